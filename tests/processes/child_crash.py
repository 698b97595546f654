"""A child that crashes (a segmentation fault, as CPython's tests make one with faulthandler)
dies of the signal: its exit code is -11, and its parent goes on."""
import faulthandler
import multiprocessing as mp


def crash():
    faulthandler.disable()
    faulthandler._sigsegv()
    print("not reached")


if __name__ == "__main__":
    mp.set_start_method("fork")
    child = mp.Process(target=crash)
    child.start()
    child.join()
    print("exit code", child.exitcode)
