"""Reports how many generated cases the fuzz tests ran (`make fuzz` prints it at the end)."""

from tests.fuzz import CASES


def pytest_terminal_summary(terminalreporter):
    if not CASES:
        return  # nothing ran here (or the cases ran in xdist workers, which keep their counts)
    terminalreporter.section("fuzz cases")
    for name, count in sorted(CASES.items()):
        terminalreporter.write_line(f"{count:7d}  {name}")
    terminalreporter.write_line(f"{sum(CASES.values()):7d}  generated cases in tests/fuzz")
