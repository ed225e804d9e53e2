"""State changes and read helpers of supervision, one module per concern (graph, tasks,
instruments, oversight, report, registers)."""
