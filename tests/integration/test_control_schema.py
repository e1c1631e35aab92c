# SPDX-License-Identifier: ISC
"""Every command's `anycastctl --json` answer against docs/control.schema.json.

The schema forbids members it does not list (additionalProperties: false),
and every member it lists must be documented in docs/control.md: so a
member added to the daemon without its documentation fails here.  The
daemon runs with something in every list: a BIRD session carrying
communities, a kernel route and a kernel address, checks of every type
with answers (RTTs), and a history of transitions.  Numbers are checked
for their printed form too: a millisecond with more than three decimals
(0.25800000000000001) is a bug.
"""

import json
import re
import signal

import jsonschema

from bgp_peers import (ANNOUNCE, PREFIX4, PREFIX6, ROUTER_ID, Bird, bgp_block,
                       link, open_dir)
from daemon import Anycastd
from lab import REPO, wait_until
from nsd import Nsd

SCHEMA = json.loads((REPO / "docs" / "control.schema.json").read_text())
DOC = (REPO / "docs" / "control.md").read_text()


def validate(data, kind):
    schema = {"$ref": f"#/$defs/{kind}", "$defs": SCHEMA["$defs"]}
    jsonschema.Draft202012Validator(schema).validate(data)
    # The top-level oneOf must take it too, exactly once.
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def member_names(node):
    """Every property name the schema lists, anywhere."""
    names = set()
    if isinstance(node, dict):
        for key, val in node.items():
            if key == "properties":
                names |= set(val)
            names |= member_names(val)
    elif isinstance(node, list):
        for val in node:
            names |= member_names(val)
    return names


def test_every_schema_member_is_documented():
    missing = sorted(n for n in member_names(SCHEMA)
                     if not re.search(rf'"{re.escape(n)}"|`{re.escape(n)}`',
                                      DOC))
    assert not missing, f"in the schema but not in docs/control.md: {missing}"


def raw_json(acd, *args):
    """anycastctl --json ARGS: (exit code, parsed, raw text)."""
    res, data = acd.ctl_raw(*args)
    assert data is not None, f"not JSON: {res.stdout!r} {res.stderr!r}"
    long_floats = re.findall(r"\d+\.\d{4,}", res.stdout)
    assert not long_floats, f"unrounded numbers {long_floats} in {args}"
    return res.returncode, data, res.stdout


def test_every_command_json_matches_the_schema(lab, host_ns, binaries):
    Nsd(lab, host_ns, ["192.0.2.53", "2001:db8::53"])
    peer_ns = link(lab, host_ns)
    bird = Bird(lab, peer_ns, "ipv4")
    bird.start()
    bird.wait_ready()
    flags = open_dir(lab, "health")
    maint = lab.workdir / "maintenance"
    config = f"""
        router-id {ROUTER_ID['acd']};
        {bgp_block("ipv4")}
        service dns {{
            prefix {PREFIX4};
            prefix {PREFIX6};
            drain time 0s;
            protect last;
            check dns {{
                query example.test SOA;
                interval 200ms; timeout 150ms; rise 1; fall 1;
            }}
            check tcp {{
                port 53;
                interval 200ms; timeout 150ms; rise 1; fall 1;
            }}
            check file maint {{ path "{maint}"; }}{ANNOUNCE}
        }}
        service kern {{
            prefix 203.0.113.77/32;
            drain time 0s;
            route {{ dev lo; }}
            check exec {{
                command "/bin/sh" "-c" "test -e {flags}/down && exit 2; exit 0";
                interval 200ms; timeout 150ms; rise 1; fall 1;
            }}
        }}
        service addr {{
            prefix 203.0.113.88/32;
            drain time 0s;
            address lo dynamic;
            check exec {{
                command "/bin/true";
                interval 200ms; timeout 150ms; rise 1; fall 1;
            }}
        }}
        """
    acd = Anycastd(lab, host_ns, config)
    for name in ("dns", "kern", "addr"):
        acd.wait_state(name, "up", 10)
    wait_until(lambda: acd.ctl("show", "peers")["peers"][0]["prefixes_sent"]
               == 2, 15, "both prefixes sent to BIRD")
    rc, data, _ = raw_json(acd, "status")
    assert rc == 0
    validate(data, "status")
    assert {s["name"] for s in data["services"]} == {"dns", "kern", "addr"}

    rc, data, _ = raw_json(acd, "show", "checks")
    validate(data, "checks")
    assert {c["type"] for c in data["checks"]} == \
        {"dns", "tcp", "file", "exec"}
    assert any(c["rtt_ms"] for c in data["checks"]), data

    rc, data, _ = raw_json(acd, "show", "peers")
    validate(data, "peers")
    assert data["peers"][0]["families"] == ["ipv4", "ipv6"], data

    rc, data, _ = raw_json(acd, "show", "routes")
    validate(data, "routes")
    assert {r["prefix"] for r in data["routes"]} == {PREFIX4, PREFIX6}
    assert all(r["communities"] == ["65100:53"] and
               r["large_communities"] == ["65100:0:53"]
               for r in data["routes"]), data["routes"]
    assert {k["kind"] for k in data["kernel"]} == {"route", "address"}, data

    (flags / "down").touch()            # a transition for the history
    acd.wait_state("kern", "down", 3)

    rc, data, _ = raw_json(acd, "show", "history")
    validate(data, "history")
    assert any(e["service"] == "kern" and e["to"] == "down"
               for e in data["history"]), data

    for cmd in ("drain", "undrain", "disable", "enable"):
        rc, data, _ = raw_json(acd, cmd, "addr")
        assert rc == 0, data
        validate(data, "service_command")
    rc, data, _ = raw_json(acd, "reload")
    assert rc == 0, data
    validate(data, "reload")

    # Errors: an unknown service, a config that does not load.
    rc, data, _ = raw_json(acd, "drain", "nosuch")
    assert rc == 1
    validate(data, "error")
    acd.conf.write_text(acd.conf.read_text() + "\nservice {\n")
    rc, data, _ = raw_json(acd, "reload")
    assert rc == 1
    validate(data, "error")
    rc, data, _ = raw_json(acd, "status")
    validate(data, "status")
    assert data["daemon"]["last_reload_error"], data
    acd.write_config(config)            # teardown drains with this one
    acd.signal(signal.SIGHUP)
