import FlowCore

/// Lab 5 is not written yet.
public enum Lab5Status { public static let written = false }
