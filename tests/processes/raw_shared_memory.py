import ctypes
import multiprocessing as mp

own = ctypes.c_int(1)   # (the program's own ctypes object: a fork copies it)


def child(raw, raw_array, value, array):
    raw.value += 5
    raw_array[0] += 42
    with value.get_lock():
        value.value += 10
    array[1] = -1.5
    own.value += 100
    print(mp.current_process().name, raw.value, list(raw_array), own.value, flush=True)


if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        raw = ctx.RawValue("i", 1)
        raw_array = ctx.RawArray("d", 3)
        value = ctx.Value("i", 0)
        array = ctx.Array("d", [0.5, 0.5])
        p = ctx.Process(target=child, args=(raw, raw_array, value, array))
        p.start()
        p.join()
        print(method, raw.value, list(raw_array), value.value, array[:], own.value, p.exitcode)
