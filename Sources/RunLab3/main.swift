import FlowCore
import Lab3

Lab.main(LabSpec(name: "lab3", title: "not written yet")) { run in
  run.say("lab3 is not written yet.")
}
