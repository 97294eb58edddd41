import FlowCore
import Lab1

Lab.main(LabSpec(name: "lab1", title: "not written yet")) { run in
  run.say("lab1 is not written yet.")
}
