class Box:
    pass


def read(box, seen):
    try:
        seen.append(box.value)
    except AttributeError:
        seen.append("missing")


def write(box):
    box.value = 1
