"""ThreadPoolExecutor.map over three URLs: the results come back in the order of the inputs.

The tutorial's example4.py (section 4), unchanged. The three pages are fetched at once, by
three threads of the pool; `map` gives their results in the order of `URLS`, whichever page
arrives first. The simulated network serves the tutorial's URLs (the profile's sites) with the
sizes it printed: 12373, 1270 and 2039 bytes.
"""
import concurrent.futures
import urllib.request

ROW = 22

URLS = ['http://httpbin.org', 'http://example.com/', 'https://api.github.com/']


def load_url(url):
    with urllib.request.urlopen(url, timeout=60) as conn:
        return conn.read()


# We can use a with statement to ensure threads are cleaned up promptly
with concurrent.futures.ThreadPoolExecutor(max_workers=3) as executor:
    for url, data in zip(URLS, executor.map(load_url, URLS)):
        print('%r page is %d bytes' % (url, len(data)))
