"""A site that answers with JSON, a redirect and an error: a client that retries on 503."""
import json
import time
import urllib.error
import urllib.request

import simconc

simconc.serve("http://api.example.test/v2/items", body=json.dumps({"items": [1, 2, 3]}),
              headers={"Content-Type": "application/json"}, latency=0.05)
simconc.serve("http://api.example.test/items", status=301,
              headers={"Location": "/v2/items"})
simconc.serve("http://api.example.test/report", status=503, body="busy, come back later",
              headers={"Retry-After": "1"})


def get(url, tries=3):
    for attempt in range(1, tries + 1):
        try:
            with urllib.request.urlopen(url) as response:
                return response.geturl(), json.loads(response.read())
        except urllib.error.HTTPError as error:
            if attempt == tries:
                raise
            wait = int(error.headers.get("Retry-After", "0"))
            print(f"{url}: {error.code} {error.reason} (try {attempt} of {tries}), "
                  f"again in {wait} s")
            time.sleep(wait)


start = time.monotonic()
print(get("http://api.example.test/items"), f"at {time.monotonic() - start:.2f} s")
try:
    get("http://api.example.test/report")
except urllib.error.HTTPError as error:
    print("gave up:", error, error.read().decode())
print(f"done at {time.monotonic() - start:.2f} s")
