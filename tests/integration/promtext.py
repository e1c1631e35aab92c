# SPDX-License-Identifier: ISC
"""A strict reader of the Prometheus text exposition format, version 0.0.4.

Written for the tests from the format's specification (prometheus.io,
"Exposition formats") rather than taken from a client library, and
stricter than Prometheus itself where the specification says "must":

- every line ends with a newline, the last one too; no NUL or CR;
- `# HELP` and `# TYPE` at most once per family and before its samples,
  the type one of counter, gauge, histogram, summary, untyped; HELP text
  uses only the escapes \\\\ and \\n;
- metric and label names match their grammars, label names are not
  reserved (`__`) nor repeated in a sample, label values use only the
  escapes \\\\, \\" and \\n;
- the samples of a family are contiguous, and no series appears twice;
- values are Go floats (or NaN, +Inf, -Inf), timestamps integers;
- counters are never negative nor NaN; a histogram's series have `le`
  buckets in increasing order with non-decreasing counts ending at +Inf,
  and a _sum and a _count equal to the +Inf bucket.

parse(text) returns {family name: Family}; any violation raises
FormatError naming the line.
"""

import json
import math
import re

import lab

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
FLOAT = re.compile(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?"
                   r"|Inf|NaN)\Z")
TIMESTAMP = re.compile(r"-?\d+\Z")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"),
            "summary": ("_sum", "_count")}


class FormatError(AssertionError):
    pass


class Sample:
    def __init__(self, name, labels, value, line):
        self.name = name
        self.labels = labels        # dict, in the order written
        self.value = value
        self.line = line

    def key(self):
        return (self.name, tuple(sorted(self.labels.items())))


class Family:
    def __init__(self, name):
        self.name = name
        self.type = None
        self.help = None
        self.samples = []

    def get(self, name=None, **labels):
        """The value of the one sample with exactly these labels."""
        name = name or self.name
        for s in self.samples:
            if s.name == name and s.labels == labels:
                return s.value
        raise KeyError(f"{name}{labels} not in family {self.name}")


def _unescape(text, allowed, lineno):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in allowed:
                raise FormatError(f"line {lineno}: bad escape in {text!r}")
            out.append("\n" if text[i + 1] == "n" else text[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _value(text, lineno):
    if not FLOAT.match(text):
        raise FormatError(f"line {lineno}: {text!r} is not a float")
    return float(text.replace("Inf", "inf").replace("NaN", "nan"))


def _labels(text, pos, lineno):
    """Parse from the '{' at pos; returns (labels, position after '}')."""
    labels = {}
    pos += 1
    while True:
        if text.startswith("}", pos):
            return labels, pos + 1
        m = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*").match(text, pos)
        if not m or not text.startswith('="', m.end()):
            raise FormatError(f"line {lineno}: expected label=\"value\" "
                              f"at column {pos + 1}")
        name = m.group()
        if name.startswith("__") or name in labels:
            raise FormatError(f"line {lineno}: label {name} reserved or "
                              f"repeated")
        pos = m.end() + 2
        raw = []
        while True:
            if pos >= len(text):
                raise FormatError(f"line {lineno}: unterminated value")
            c = text[pos]
            if c == "\\":
                raw.append(text[pos:pos + 2])
                pos += 2
                continue
            if c == '"':
                break
            raw.append(c)
            pos += 1
        labels[name] = _unescape("".join(raw), '\\"n', lineno)
        pos += 1
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("}", pos):
            raise FormatError(f"line {lineno}: expected ',' or '}}' at "
                              f"column {pos + 1}")


def _sample(line, lineno):
    m = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*").match(line)
    if not m:
        raise FormatError(f"line {lineno}: no metric name: {line!r}")
    name, pos, labels = m.group(), m.end(), {}
    if line.startswith("{", pos):
        labels, pos = _labels(line, pos, lineno)
    rest = line[pos:]
    if not rest.startswith(" "):
        raise FormatError(f"line {lineno}: expected a space before the "
                          f"value: {line!r}")
    fields = rest.split()
    if len(fields) not in (1, 2) or rest.strip(" ") != " ".join(fields):
        raise FormatError(f"line {lineno}: expected VALUE [TIMESTAMP]: "
                          f"{line!r}")
    if len(fields) == 2 and not TIMESTAMP.match(fields[1]):
        raise FormatError(f"line {lineno}: bad timestamp {fields[1]!r}")
    return Sample(name, labels, _value(fields[0], lineno), lineno)


class _Reader:
    def __init__(self):
        self.families = {}
        self.current = None         # the family whose lines we are in
        self.closed = set()         # families that may not come back
        self.series = set()

    def enter(self, name, lineno):
        if self.current == name:
            return self.families[name]
        if name in self.closed:
            raise FormatError(f"line {lineno}: family {name} is not "
                              f"contiguous")
        if self.current is not None:
            self.closed.add(self.current)
        self.current = name
        return self.families.setdefault(name, Family(name))

    def family_of(self, sample_name):
        for base, fam in self.families.items():
            for suffix in SUFFIXES.get(fam.type, ()):
                if sample_name == base + suffix:
                    return base
        return sample_name

    def meta(self, line, lineno):
        parts = line.split(" ", 3)
        if len(parts) < 3 or parts[1] not in ("HELP", "TYPE"):
            return                  # a plain comment
        kind, name = parts[1], parts[2]
        if not METRIC_NAME.match(name):
            raise FormatError(f"line {lineno}: bad metric name {name!r}")
        fam = self.enter(name, lineno)
        text = parts[3] if len(parts) == 4 else ""
        if kind == "HELP":
            if fam.help is not None:
                raise FormatError(f"line {lineno}: second HELP for {name}")
            fam.help = _unescape(text, "\\n", lineno)
            return
        if fam.type is not None or fam.samples:
            raise FormatError(f"line {lineno}: TYPE of {name} repeated or "
                              f"after its samples")
        if text not in TYPES:
            raise FormatError(f"line {lineno}: unknown type {text!r}")
        fam.type = text

    def sample(self, line, lineno):
        s = _sample(line, lineno)
        if s.key() in self.series:
            raise FormatError(f"line {lineno}: series repeated: {line!r}")
        self.series.add(s.key())
        fam = self.enter(self.family_of(s.name), lineno)
        fam.samples.append(s)


def _check_counter(fam):
    for s in fam.samples:
        if math.isnan(s.value) or s.value < 0:
            raise FormatError(f"line {s.line}: counter {s.name} is "
                              f"{s.value}")


def _check_histogram(fam):
    series = {}
    for s in fam.samples:
        rest = tuple(sorted((k, v) for k, v in s.labels.items()
                            if k != "le"))
        h = series.setdefault(rest, {"buckets": [], "sum": None,
                                     "count": None})
        if s.name == fam.name + "_bucket":
            if "le" not in s.labels:
                raise FormatError(f"line {s.line}: bucket without le")
            h["buckets"].append((_value(s.labels["le"], s.line), s))
        elif s.name == fam.name + "_sum":
            h["sum"] = s.value
        elif s.name == fam.name + "_count":
            h["count"] = s.value
        else:
            raise FormatError(f"line {s.line}: {s.name} in histogram "
                              f"{fam.name}")
    for rest, h in series.items():
        buckets = h["buckets"]
        if not buckets or buckets[-1][0] != math.inf:
            raise FormatError(f"histogram {fam.name}{rest}: no +Inf bucket")
        for (le1, s1), (le2, s2) in zip(buckets, buckets[1:]):
            if le2 <= le1 or s2.value < s1.value:
                raise FormatError(f"line {s2.line}: bucket le or count "
                                  f"decreases")
        if h["sum"] is None or h["count"] is None:
            raise FormatError(f"histogram {fam.name}{rest}: no _sum/_count")
        if h["count"] != buckets[-1][1].value:
            raise FormatError(f"histogram {fam.name}{rest}: _count "
                              f"{h['count']} != +Inf bucket")


def parse(text):
    if not text.endswith("\n"):
        raise FormatError("the exposition does not end with a newline")
    if "\0" in text or "\r" in text:
        raise FormatError("NUL or CR in the exposition")
    reader = _Reader()
    for lineno, line in enumerate(text[:-1].split("\n"), 1):
        if line.strip() == "":
            continue
        if line.startswith("#"):
            reader.meta(line, lineno)
        else:
            reader.sample(line, lineno)
    for fam in reader.families.values():
        if fam.type == "counter":
            _check_counter(fam)
        elif fam.type == "histogram":
            _check_histogram(fam)
    return reader.families


SCRAPER = r"""
import json, sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[1], method=sys.argv[2])
try:
    with urllib.request.urlopen(req, timeout=5) as r:
        out = {"status": r.status, "type": r.headers.get("Content-Type"),
               "body": r.read().decode("utf-8")}
except urllib.error.HTTPError as e:
    out = {"status": e.code, "type": e.headers.get("Content-Type"),
           "body": ""}
except OSError as e:
    out = {"status": None, "error": str(e)}
print(json.dumps(out))
"""


def fetch(ns, url, method="GET"):
    """An HTTP request with urllib from inside namespace ns.

    Returns {"status": code or None, "type": ..., "body": ...}; a status
    of None means no HTTP answer at all (e.g. connection refused)."""
    res = ns.run([lab.PYTHON, "-c", SCRAPER, url, method])
    return json.loads(res.stdout)


def scrape(ns, url):
    """GET url, which must answer 200 in the text format; parsed."""
    res = fetch(ns, url)
    assert res["status"] == 200, f"scrape {url}: {res}"
    assert res["type"].startswith("text/plain; version=0.0.4"), res["type"]
    return parse(res["body"])
