notes = []


def note(text):
    notes.append(text)
