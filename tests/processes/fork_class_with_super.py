import multiprocessing as mp

class Base:
    def hello(self):
        return "base"

class Child(Base):
    count = 0
    def hello(self):
        Child.count += 1
        return "child of " + super().hello() + f" {Child.count} {type(self).__name__} {isinstance(self, Child)}"

def work(obj):
    print(obj.hello(), Child.count, flush=True)

if __name__ == "__main__":
    c = Child()
    c.hello()
    p = mp.Process(target=work, args=(c,)); p.start(); p.join()
    print(c.hello(), Child.count)
