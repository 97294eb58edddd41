import FlowCore

/// Lab 3 is not written yet.
public enum Lab3Status { public static let written = false }
