import FlowCore

print("compare: not written yet")
