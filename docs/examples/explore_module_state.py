"""simconc.explore on a callable: each execution starts from its module as the exploration
began, and the exploration leaves the module so."""
import threading

import simconc

seen = []   # what each call of main() saw, kept at module level
total = 0


def main():
    def work():
        global total
        value = total
        total = value + 1   # (not under a lock: an update can be lost)
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seen.append(total)
    assert len(seen) == 1, f"not the first call: seen {seen}"
    assert total == 2, f"an update was lost: total {total}"


if __name__ == "__main__":
    report = simconc.explore(main)
    print(report.summary())
    print(report.outcomes)
    print("after the exploration:", seen, total)

    # One run is one call of main(): it starts from the module as it is, and leaves its effects.
    failure = report.failures[0]
    again = simconc.run(main, schedule=failure.schedule)
    print(again.exceptions[0].message, "| after the run:", seen, total)
