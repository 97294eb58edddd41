// swift-tools-version:6.0
//
// FlowLab — flow matching from nothing, in five labs.
//
// One switch picks the track: by default each lab module `Lab1` … `Lab5` is
// built from the learner's `Labs/LabN`; with `FLOWLAB_TRACK=solutions` the
// same modules are built from `Solutions/LabN`.

import Foundation
import PackageDescription

// MARK: - Track

let trackVariable = ProcessInfo.processInfo.environment["FLOWLAB_TRACK"] ?? ""
let labRoot: String
switch trackVariable {
case "", "labs": labRoot = "Labs"
case "solutions": labRoot = "Solutions"
default:
  FileHandle.standardError.write(
    Data(
      """
      error: FLOWLAB_TRACK is '\(trackVariable)'; it must be 'labs' (the default: your code in Labs/) \
      or 'solutions' (the reference code in Solutions/).

      """.utf8))
  exit(2)
}

/// The core's heavy loops run optimized in every configuration, so that a
/// debug build (`swift run lab4`, `swift test`) is usable. The core skips
/// Swift's run-time exclusivity checks (its deferred-evaluation bookkeeping
/// runs under a lock); C kernels keep errno out of sqrt so that it vectorizes.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"])]
let optimizedC: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]

/// Lets runners and tests say which track they were built with.
let trackDefines: [SwiftSetting] = labRoot == "Solutions" ? [.define("FLOWLAB_SOLUTIONS")] : []

// MARK: - Targets

var targets: [Target] = [
  // Implementation details: C libraries and kernels.
  .systemLibrary(
    name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng",
    providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
  .target(name: "CFlowKernels", path: "Sources/CFlowKernels", cSettings: optimizedC),

  // The shared core: matrices, random numbers, PNG, plots, the lab runtime.
  .target(
    name: "FlowCore", dependencies: ["CLibPNG", "CFlowKernels"], path: "Sources/FlowCore",
    swiftSettings: optimized),

  // Test support: sandboxed grading of learner code.
  .target(
    name: "FlowGrading", dependencies: ["FlowCore"], path: "Tests/FlowGrading", swiftSettings: trackDefines),
  // The core's tests also run each lab's executable end to end, so they
  // depend on the runners (declared below) to have them built.
  .testTarget(
    name: "CoreTests",
    dependencies: ["FlowCore", "FlowGrading"] + (1...5).map { .target(name: "RunLab\($0)") }
      + [.target(name: "Compare")],
    path: "Tests/CoreTests"),
]

// MARK: - Labs

/// Each lab builds on the ones before it.
let labDependencies: [Int: [Target.Dependency]] = [
  1: [], 2: ["Lab1"], 3: [], 4: ["Lab2", "Lab3"], 5: ["Lab2", "Lab3", "Lab4"],
]

for n in 1...5 {
  targets += [
    .target(
      name: "Lab\(n)", dependencies: ["FlowCore"] + labDependencies[n]!, path: "\(labRoot)/Lab\(n)",
      exclude: ["README.md"]),
    .executableTarget(
      name: "RunLab\(n)", dependencies: [.target(name: "Lab\(n)"), "FlowCore"] + labDependencies[n]!,
      path: "Sources/RunLab\(n)",
      swiftSettings: trackDefines),
    .testTarget(
      name: "Lab\(n)Tests", dependencies: [.target(name: "Lab\(n)"), "FlowCore", "FlowGrading"] + labDependencies[n]!,
      path: "Tests/Lab\(n)Tests", exclude: n == 5 ? ["Resources"] : [], swiftSettings: trackDefines),
  ]
}

// MARK: - Reference figures

// `swift run compare` sets a learner's figures and numbers beside the
// reference ones; FiguresTests checks that figures/ is what the solutions make.
targets += [
  .executableTarget(name: "Compare", dependencies: ["FlowCore"], path: "Sources/Compare"),
  .testTarget(
    name: "FiguresTests",
    dependencies: ["FlowCore", "FlowGrading"] + (1...5).map { .target(name: "RunLab\($0)") },
    path: "Tests/FiguresTests", swiftSettings: trackDefines),
]

// MARK: - Benchmark

targets.append(
  .executableTarget(
    name: "Bench", dependencies: ["FlowCore", "CFlowKernels", "Lab2", "Lab3", "Lab4", "Lab5"], path: "Sources/Bench",
    swiftSettings: trackDefines))

// MARK: - Products

let package = Package(
  name: "FlowLab",
  products: (1...5).map { .executable(name: "lab\($0)", targets: ["RunLab\($0)"]) }
    + [.executable(name: "compare", targets: ["Compare"]), .executable(name: "bench", targets: ["Bench"])]
    + [.library(name: "FlowCore", targets: ["FlowCore"])],
  targets: targets
)
