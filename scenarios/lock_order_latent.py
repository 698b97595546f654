"""Two locks taken in opposite orders, at different times: no deadlock here, but one is waiting.

The lock-order deadlock of row 8 without its sleep: `transfer` takes `accounts` then `audit`,
`report` takes `audit` then `accounts`, and `report` starts only once `transfer` is done, so
their critical sections never overlap and every run finishes. The danger is still in the code:
let the two run at the same time (a thread pool, a slower machine) and each can hold one lock
while it waits for the other. `simconc run --lock-order` reports the cycle from this run alone,
as Linux's lockdep does; `simconc explore --lock-order` from every execution it runs.

The cure is the same: take the locks in one global order everywhere.
"""
import threading

accounts = threading.Lock()
audit = threading.Lock()
balance = {'alice': 10, 'bob': 0}
log = []


def transfer():
    with accounts:
        balance['alice'] -= 5
        balance['bob'] += 5
        with audit:
            log.append('transfer alice -> bob: 5')


def report():
    with audit:
        with accounts:
            log.append(f'report: {sum(balance.values())} in all')


first = threading.Thread(target=transfer, name='transfer')
first.start()
first.join()
second = threading.Thread(target=report, name='report')
second.start()
second.join()
print('\n'.join(log))


def check():
    return sum(balance.values()) == 10
