import FlowCore

/// Lab 4 is not written yet.
public enum Lab4Status { public static let written = false }
