"""as_completed over three URLs: the pages come in the order they complete, not the order they
were submitted.

The tutorial's example3.py (section 4), repaired where the PDF damaged it (its indentation).
The three fetches run at once in a pool of three threads; `as_completed` yields each future as
its page arrives. The simulated network answers as the tutorial's run did: example.com first,
then httpbin.org, then api.github.com.
"""
import concurrent.futures
import urllib.request

ROW = 24

URLS = ['http://httpbin.org', 'http://example.com/', 'https://api.github.com/']


def load_url(url, timeout):
    with urllib.request.urlopen(url, timeout=timeout) as conn:
        return conn.read()


# We can use a with statement to ensure threads are cleaned up promptly
with concurrent.futures.ThreadPoolExecutor(max_workers=3) as executor:
    # Start the load operations and mark each future with its URL
    future_to_url = {executor.submit(load_url, url, 60): url for url in URLS}
    for future in concurrent.futures.as_completed(future_to_url):
        url = future_to_url[future]
        try:
            data = future.result()
        except Exception as exc:
            print('%r generated an exception: %s' % (url, exc))
        else:
            print('%r page is %d bytes' % (url, len(data)))
