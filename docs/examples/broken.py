import threading

def work(:
    pass
