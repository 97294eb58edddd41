import FlowCore

/// Lab 1 is not written yet.
public enum Lab1Status { public static let written = false }
