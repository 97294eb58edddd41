// FlowLab's benchmark: the tutorial's training and sampling, timed on the
// reference solutions (the same code `swift run lab4` and `lab5` run).
//
//   FLOWLAB_TRACK=solutions swift run -c release bench [--steps N] [--reps N] [--threads 1|2] [--json]
//
// Prints the minimum and median of several repetitions, with GFLOP/s from
// the exact operation count of the network's matrix products.
import FlowCore
import Foundation
import Lab2
import Lab3
import Lab4
import Lab5
import CFlowKernels

#if !FLOWLAB_SOLUTIONS
  FileHandle.standardError.write(
    Data("bench: build it from the reference solutions: FLOWLAB_TRACK=solutions swift run -c release bench\n".utf8))
  exit(2)
#else

  let spec = LabSpec(
    name: "bench", title: "time FlowLab's training step, the full run, forward+backward and sampling",
    options: [
      LabOption("steps", .int(1...1_000_000), default: "20000", help: "steps of the full training run"),
      LabOption("reps", .int(1...100), default: "3", help: "repetitions of each measurement"),
      LabOption("json", .flag, help: "print one JSON object instead of a table"),
    ])

  /// Seconds taken by `body`.
  func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
  }

  /// Minimum and median of `reps` timings of `body` (each run as a pipeline, as the runners do).
  func measure(_ reps: Int, _ body: () throws -> Void) rethrows -> (min: Double, median: Double) {
    var ts: [Double] = []
    for _ in 0..<reps { ts.append(try time { try Matrix.pipelined(body) }) }
    ts.sort()
    return (ts[0], ts[ts.count / 2])
  }

  /// Multiply-adds ×2 of every matrix product in one training step of an MLP
  /// with these sizes on n samples: forward W·x, weight gradients δ·xᵀ and
  /// input gradients Wᵀ·δ (all layers, as `MLP.backward` computes them).
  func flopsPerStep(_ sizes: [Int], _ n: Int) -> (forward: Double, step: Double) {
    var fwd = 0.0
    for k in 0..<(sizes.count - 1) { fwd += 2 * Double(sizes[k] * sizes[k + 1] * n) }
    return (fwd, 3 * fwd)
  }

  let options: [String: String]
  do {
    options = try spec.parse(Array(CommandLine.arguments.dropFirst()))
  } catch {
    FileHandle.standardError.write(Data("bench: \(error)\n\n\(spec.usage)\n".utf8))
    exit(ExitCode.usage)
  }
  if options["help"] == "true" {
    print(spec.usage)
    exit(0)
  }
  flowlab_tune_allocator()
  Matrix.useThreads(options["threads"]!)
  benchmark(
    steps: Int(options["steps"]!)!, reps: Int(options["reps"]!)!, seed: UInt64(options["seed"]!)!,
    json: options["json"] == "true")

  func benchmark(steps: Int, reps: Int, seed: UInt64, json: Bool) {
    #if DEBUG
      let build = "debug"
    #else
      let build = "release"
    #endif
    let n = 256
    var rng = SplitMix64(seed: seed)
    let batch = trainingBatch(x0: noise(n, using: &rng), x1: twoClusters(n, using: &rng), t: times(n, using: &rng))
    let initial = MLP(sizes: MLP.tutorialSizes, using: &rng)
    let flops = flopsPerStep(MLP.tutorialSizes, n)

    // One training step (fixed batch, as the tutorial), timed over 1000 steps.
    var model = initial
    var adam = Adam()
    for _ in 0..<200 { _ = trainStep(model: &model, optimizer: &adam, batch: batch) }  // warm up
    let block = 1000
    let step = measure(max(reps, 3)) {
      for _ in 0..<block { _ = trainStep(model: &model, optimizer: &adam, batch: batch) }
    }

    // Forward + backward alone.
    let fb = measure(max(reps, 3)) {
      for _ in 0..<block {
        let (out, caches) = model.forward(batch.input)
        _ = model.backward(flowMatchingLossGradient(prediction: out, target: batch.target), caches: caches)
      }
    }

    // The full run, from the same initial network each time.
    var finalLoss: Float = .nan
    let full = measure(reps) {
      var m = initial
      var a = Adam()
      for _ in 0..<steps { finalLoss = trainStep(model: &m, optimizer: &a, batch: batch) }
    }

    // Sampling: 256 points, midpoint, 8 steps.
    let x0 = noise(n, using: &rng)
    let field = networkField(model)
    let sampling = measure(max(reps, 5) * 20) { _ = sample(field, from: x0, steps: 8, method: .midpoint) }

    let stepUS = (step.min / Double(block) * 1e6, step.median / Double(block) * 1e6)
    let fbUS = (fb.min / Double(block) * 1e6, fb.median / Double(block) * 1e6)
    if json {
      let j: JSONValue = [
        "name": "flowlab", "build": .string(build), "isa": .string(Matrix.kernelISA),
        "threads": .number(Double(Matrix.threads)),
        "steps": .number(Double(steps)),
        "train_s": ["min": .number(full.min), "median": .number(full.median), "n": .number(Double(reps))],
        "step_us": ["min": .number(stepUS.0), "median": .number(stepUS.1), "n": .number(Double(max(reps, 3)))],
        "fwd_bwd_us": ["min": .number(fbUS.0), "median": .number(fbUS.1), "n": .number(Double(max(reps, 3)))],
        "sample_ms": [
          "min": .number(sampling.min * 1e3), "median": .number(sampling.median * 1e3),
          "n": .number(Double(max(reps, 5) * 20)),
        ],
        "final_loss": .number(Double(finalLoss)),
        "gflops_per_step": .number(flops.step * 1e-9),
      ]
      print(j.compact)
      return
    }
    print(
      "FlowLab bench · \(build) build · kernels: \(Matrix.kernelISA) · \(Matrix.threads) thread(s)")
    print("workload: n = 256, MLP 3→64→64→64→2 (elu), loss Σ(v − u)²/n, Adam 1e-3, fixed batch")
    print(
      String(
        format: "%.1f MFLOP per step in matrix products (forward %.2f M)\n", flops.step * 1e-6, flops.forward * 1e-6))
    func row(_ name: String, _ v: (Double, Double), _ unit: String, _ gflop: Double?) {
      var line = name.padding(toLength: 30, withPad: " ", startingAt: 0)
      line += String(format: "min %10.3f %@   median %10.3f %@", v.0, unit, v.1, unit)
      if let gflop { line += String(format: "   %6.1f GFLOP/s", gflop) }
      print(line)
    }
    row("training step", stepUS, "µs", flops.step / (stepUS.0 * 1e-6) * 1e-9)
    row("forward + backward", fbUS, "µs", (flops.step) / (fbUS.0 * 1e-6) * 1e-9)
    row("training, \(steps) steps", (full.min, full.median), "s ", flops.step * Double(steps) / full.min * 1e-9)
    row("sampling (256 pts, 8 midpoint)", (sampling.min * 1e3, sampling.median * 1e3), "ms", nil)
    print(String(format: "\nfinal training loss %.4f", Double(finalLoss)))
  }
#endif
