import FlowCore

/// Lab 2 is not written yet.
public enum Lab2Status { public static let written = false }
