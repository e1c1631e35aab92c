# SPDX-License-Identifier: ISC
"""Router mode kernel outputs (issue 4): one route per service prefix
whose next hops are exactly the healthy backends, read back from the
kernel (`ip -j route show proto 53`) and from `anycastctl show routes`.

  - two backends, each a namespace running a real NSD checked by DNS
    queries: both healthy -> an ECMP route with both next hops and the
    configured weights; one killed -> only the other; both killed -> no
    route; back -> restored (IPv4 and IPv6);
  - table (above 255, so it goes in RTA_TABLE) and metric;
  - crash safety: SIGKILL with routes installed, restart with a changed
    config -> stale routes and addresses gone, wanted ones present and
    adopted without a flap, routes of other protocols and addresses
    anycastd did not add untouched;
  - a route of another protocol for the very same destination is never
    replaced;
  - a route deleted by hand is put back (netlink monitor);
  - bad input: a next hop not on a connected network (the kernel's
    "Network is unreachable" in status, retried until it is connected),
    a `via ... dev` that does not exist, a table id out of range (a
    config error at `anycastd -t`) -> a clear error, nothing else changed.
"""

import signal

import pytest

from daemon import Anycastd
from kernel_helpers import (PREFIX4, PREFIX6, PROTO, Flag, RouteMonitor,
                            RouterSite, addr_set, ctl_hops, daemon_kernel,
                            forget_killed, has_addr, hops, kernel_entry,
                            kernel_state, our_routes, routes, run_to_exit,
                            without_ours)
from lab import wait_until

START_TIMEOUT = 8.0
# dns checks: interval 200ms, rise 2, fall 2; exec: rise 1, fall 1.
CHANGE_TIMEOUT = 4.0


def test_ecmp_follows_backend_health(lab, binaries):
    site = RouterSite(lab)
    site.acd.wait_state("dns", "up", START_TIMEOUT)
    site.wait_hops((1, 2), START_TIMEOUT)
    # anycastctl says the same, weights included.
    for prefix, fam in ((PREFIX4, "addr4"), (PREFIX6, "addr6")):
        e = kernel_entry(site.acd, prefix)
        assert e["installed"] and e["error"] is None, e
        assert ctl_hops(e) == sorted(
            (getattr(site.b[i], fam), site.WEIGHTS[i]) for i in (1, 2)), e
    assert daemon_kernel(site.acd) == (0, None)

    site.b[1].kill()
    site.wait_hops((2,), CHANGE_TIMEOUT)
    assert site.acd.service("dns")["state"] == "up"
    site.b[2].kill()
    site.wait_hops((), CHANGE_TIMEOUT)
    site.acd.wait_state("dns", "down", CHANGE_TIMEOUT)
    assert not [e for e in site.acd.ctl("show", "routes")["kernel"]
                if e["kind"] == "route"], "show routes still lists a route"

    site.b[2].start()
    site.wait_hops((2,), START_TIMEOUT)
    site.b[1].start()
    site.wait_hops((1, 2), START_TIMEOUT)
    assert daemon_kernel(site.acd) == (0, None)

    # Exit removes the routes it installed.
    site.acd.signal(signal.SIGTERM)
    assert site.acd.wait_exit(5) == 0, site.acd.log()
    assert our_routes(site.r) == {}


def test_table_above_255_and_metric(lab, binaries):
    site = RouterSite(lab, nsd=False, start_acd=False)
    site.acd.write_config(site.config().replace(
        "route {", "route {\n                table 1000;\n"
        "                metric 100;"))
    before = kernel_state(site.r)
    site.acd.start()
    site.acd.wait_state("dns", "up", START_TIMEOUT)

    want = site.expect_hops(1, 2)

    def in_table():
        ours = our_routes(site.r, table=1000)
        return ours if {p: hops(ours.get(p)) for p in want} == want else None
    ours, _ = wait_until(in_table, START_TIMEOUT, "routes in table 1000")
    for prefix in (PREFIX4, PREFIX6):
        assert ours[prefix]["metric"] == 100, ours[prefix]
        e = kernel_entry(site.acd, prefix)
        assert (e["table"], e["metric"], e["installed"]) == (1000, 100, True)
    assert our_routes(site.r) == {}, "a route in main as well"

    site.acd.signal(signal.SIGTERM)
    assert site.acd.wait_exit(5) == 0, site.acd.log()
    assert kernel_state(site.r) == before


@pytest.mark.parametrize("family", [4, 6], ids=["ipv4", "ipv6"])
def test_hand_deleted_route_is_put_back(lab, binaries, family):
    site = RouterSite(lab, nsd=False)
    site.acd.wait_state("dns", "up", START_TIMEOUT)
    site.wait_hops((1, 2), START_TIMEOUT)
    site.r.ip(f"-{family}", "route", "del",
              PREFIX4 if family == 4 else PREFIX6, "proto", str(PROTO))
    site.wait_hops((1, 2), CHANGE_TIMEOUT)
    assert daemon_kernel(site.acd)[0] == 0


def route_svc(name, prefix, vias):
    """A router-mode service for one prefix; vias: [(addr, Flag, weight)]."""
    vl = "".join(f"\n                    via {a} weight {w} {f.check()};"
                 for a, f, w in vias)
    return f"""
            service {name} {{
                prefix {prefix};
                drain time 0s;
                route {{{vl}
                }}
            }}
            """


def addr_svc(name, prefix, how, flag):
    return f"""
            service {name} {{
                prefix {prefix};
                drain time 0s;
                address lo{how};
                {flag.check()}
            }}
            """


def test_crash_then_restart_with_a_changed_config(lab, binaries):
    site = RouterSite(lab, nsd=False, start_acd=False)
    r, b1, b2 = site.r, site.b[1], site.b[2]
    f1, f2, fs = site.flag[1], site.flag[2], Flag(lab, "svc")
    # What anycastd did not make and must never touch: routes of another
    # protocol (one for a prefix of ours, at another metric), an address
    # it is then told to use (so it is "foreign") and one it is not.
    r.ip("route", "add", "192.0.2.99/32", "via", b2.addr4, "proto", "static")
    r.ip("route", "add", PREFIX4, "via", b2.addr4, "proto", "static",
         "metric", "500")
    r.ip("-6", "route", "add", "2001:db8::99/128", "via", b2.addr6,
         "proto", "static")
    r.add_addr("192.0.2.62/32")
    r.add_addr("192.0.2.63/32")
    hand_made = without_ours(kernel_state(r))

    # One service per prefix, so that each route depends only on its own
    # backends: the unchanged ones, dns4 and dns6, must be adopted.
    dns = (route_svc("dns4", PREFIX4, [(b1.addr4, f1, 3), (b2.addr4, f2, 1)])
           + route_svc("dns6", PREFIX6,
                       [(b1.addr6, f1, 3), (b2.addr6, f2, 1)]))
    site.acd.write_config(
        dns
        + route_svc("old4", "192.0.2.70/32", [(b1.addr4, f1, 1)])
        + route_svc("old6", "2001:db8::70/128", [(b1.addr6, f1, 1)])
        + route_svc("web4", "192.0.2.72/32",
                    [(b1.addr4, f1, 1), (b2.addr4, f2, 1)])
        + route_svc("web6", "2001:db8::72/128",
                    [(b1.addr6, f1, 1), (b2.addr6, f2, 1)])
        + addr_svc("static", "192.0.2.60/32", "", fs)
        + addr_svc("dyn", "192.0.2.61/32", " dynamic", fs)
        + addr_svc("foreign", "192.0.2.62/32", "", fs))
    site.acd.start()
    first = {PREFIX4, PREFIX6, "192.0.2.70/32", "2001:db8::70/128",
             "192.0.2.72/32", "2001:db8::72/128"}
    wait_until(lambda: set(our_routes(r)) == first, START_TIMEOUT,
               "every route of the first config")
    wait_until(lambda: has_addr(r, "192.0.2.61/32", "lo", PROTO),
               START_TIMEOUT, "the dynamic address")
    assert kernel_entry(site.acd, "192.0.2.62/32", "address")["foreign"]
    assert has_addr(r, "192.0.2.60/32", "lo", PROTO)
    installed = kernel_state(r)

    site.acd.signal(signal.SIGKILL)
    forget_killed(site.acd)
    assert kernel_state(r) == installed, "SIGKILL changed the kernel"

    # The new config: dns4/dns6 unchanged (adopted), web down to backend
    # 1 (replaced), old, dyn and foreign dropped (stale; but the foreign
    # address is not anycastd's), new added.
    site.acd.write_config(
        dns
        + route_svc("web4", "192.0.2.72/32", [(b1.addr4, f1, 1)])
        + route_svc("web6", "2001:db8::72/128", [(b1.addr6, f1, 1)])
        + addr_svc("static", "192.0.2.60/32", "", fs)
        + route_svc("new", "192.0.2.71/32", [(b2.addr4, f2, 1)]))
    monitor = RouteMonitor(lab, r, "ip-monitor")
    site.acd.start()
    want = {PREFIX4: sorted([(b1.addr4, "be1", 3), (b2.addr4, "be2", 1)]),
            PREFIX6: sorted([(b1.addr6, "be1", 3), (b2.addr6, "be2", 1)]),
            "192.0.2.72/32": [(b1.addr4, "be1", None)],
            "2001:db8::72/128": [(b1.addr6, "be1", None)],
            "192.0.2.71/32": [(b2.addr4, "be2", None)]}

    def converged():
        got = {p: hops(rt) for p, rt in our_routes(r).items()}
        converged.last = got
        return got == want
    problems = []
    try:
        wait_until(converged, START_TIMEOUT, "the second config's routes")
    except AssertionError:
        problems.append(f"routes: want {want}, got {converged.last}")
    addrs = addr_set(r, "lo")
    if ("lo", "192.0.2.60/32", PROTO) not in addrs:
        problems.append(f"static address 192.0.2.60/32 gone: {addrs}")
    if any(a[1] == "192.0.2.61/32" for a in addrs):
        problems.append("stale dynamic address 192.0.2.61/32 still there")
    e = kernel_entry(site.acd, "192.0.2.60/32", "address")
    if not (e and e["installed"] and not e["foreign"] and e["error"] is None):
        problems.append(f"static address not adopted as anycastd's: {e}")
    if without_ours(kernel_state(r)) != hand_made:
        problems.append("a route or address anycastd did not make changed: "
                        f"{without_ours(kernel_state(r))} != {hand_made}")
    if daemon_kernel(site.acd) != (0, None):
        problems.append(f"kernel errors: {daemon_kernel(site.acd)}")
    # Adopted, not removed and put back: no moment without the route.
    flaps = [line for line in monitor.deleted(PREFIX4)
             + monitor.deleted(PREFIX6) if "proto static" not in line]
    monitor.stop()
    if flaps:
        problems.append("the unchanged services' routes were deleted at "
                        "restart: " + "; ".join(flaps))
    log = [line for line in site.acd.log().splitlines()
           if "debug: check" not in line]
    assert not problems, "\n".join(problems) + \
        "\n---- anycastd after the restart ----\n" + \
        "\n".join(log[max(i for i, line in enumerate(log)
                            if "started" in line) - 5:])


def test_route_of_another_protocol_for_our_prefix_is_not_replaced(
        lab, binaries):
    site = RouterSite(lab, nsd=False, start_acd=False)
    r = site.r
    # Same table, destination and metric as anycastd's route would have.
    r.ip("route", "add", PREFIX4, "via", site.b[2].addr4, "proto", "static")
    before = routes(r, 4, "table", "main", "proto", "static")
    site.acd.start()
    site.acd.wait_state("dns", "up", START_TIMEOUT)
    # Until anycastd has acted: the IPv6 route installed, the IPv4 one
    # installed, refused or marked foreign.
    def acted():
        e4 = kernel_entry(site.acd, PREFIX4)
        e6 = kernel_entry(site.acd, PREFIX6)
        return (e6 and e6["installed"] and e4 and
                (e4["installed"] or e4["error"] or e4["foreign"]) and e4)
    e, _ = wait_until(acted, START_TIMEOUT, "anycastd to act on both")
    assert routes(r, 4, "table", "main", "proto", "static") == before, \
        f"the static route was replaced: show routes {e}; kernel " \
        f"{routes(r, 4, 'table', 'main')}"
    site.acd.signal(signal.SIGTERM)
    assert site.acd.wait_exit(5) == 0
    assert routes(r, 4, "table", "main", "proto", "static") == before, \
        "the static route was removed at exit"


def test_nexthop_not_connected_is_a_kernel_error_retried(lab, binaries):
    site = RouterSite(lab, nsd=False, start_acd=False)
    unreachable = "203.0.113.9"
    before = kernel_state(site.r)
    # far's check rises last (rise 3), so that its first failure starts
    # the backoff at its minimum, 1 s: each sync that fails doubles it,
    # and the other checks coming up are syncs too.
    far_check = site.flag[1].check().replace("rise 1", "rise 4")
    site.acd.write_config(site.config() + f"""
        service far {{
            prefix 192.0.2.54/32;
            drain time 0s;
            route {{
                via {unreachable} {far_check};
            }}
        }}
        """)
    site.acd.start()
    site.acd.wait_state("far", "up", START_TIMEOUT)
    site.wait_hops((1, 2), START_TIMEOUT)

    def reported():
        e = kernel_entry(site.acd, "192.0.2.54/32")
        return e and e["error"] and e
    e, _ = wait_until(reported, CHANGE_TIMEOUT, "the error in show routes")
    assert not e["installed"] and "Network is unreachable" in e["error"], e
    errors, last = daemon_kernel(site.acd)
    assert errors >= 1 and "Network is unreachable" in (last or ""), \
        (errors, last)
    assert without_ours(kernel_state(site.r)) == without_ours(before)
    assert "192.0.2.54/32" not in our_routes(site.r)

    # Once the network is connected, a retry installs the route.
    site.r.add_addr("203.0.113.1/24", "be1")
    wait_until(lambda: "192.0.2.54/32" in our_routes(site.r), 8,
               "the retry to install the route")
    wait_until(lambda: daemon_kernel(site.acd)[1] is None, 2,
               "kernel_last_error to clear")
    assert hops(our_routes(site.r)["192.0.2.54/32"]) == \
        [(unreachable, "be1", None)]


def test_via_dev_that_does_not_exist_is_a_clear_error(lab, binaries):
    site = RouterSite(lab, nsd=False, start_acd=False)
    before = kernel_state(site.r)
    site.acd.write_config(site.config() + f"""
        service nodev {{
            prefix 192.0.2.54/32;
            drain time 0s;
            route {{
                via {site.b[1].addr4} dev acd-nope0 {site.flag[1].check()};
            }}
        }}
        """)
    site.acd.start()
    site.acd.wait_state("nodev", "up", START_TIMEOUT)
    site.wait_hops((1, 2), START_TIMEOUT)

    def acted():
        e = kernel_entry(site.acd, "192.0.2.54/32")
        return e and (e["installed"] or e["error"]) and e
    e, _ = wait_until(acted, CHANGE_TIMEOUT, "anycastd to act on nodev")
    assert "192.0.2.54/32" not in our_routes(site.r), \
        f"installed through another interface than the configured " \
        f"acd-nope0: {our_routes(site.r).get('192.0.2.54/32')}; show " \
        f"routes: {e}"
    assert not e["installed"] and "no such interface" in (e["error"] or ""), e
    assert "no such interface" in (daemon_kernel(site.acd)[1] or "")
    assert without_ours(kernel_state(site.r)) == without_ours(before)


def test_table_out_of_range_is_a_config_error(lab, binaries):
    ns = lab.netns()
    flag = Flag(lab, "b")
    before = kernel_state(ns)
    acd = Anycastd(lab, ns, "", start=False)
    for table, words in (("4294967296", ("4294967296", "out of range")),
                         ("0", ("0", "out of range")),
                         ("255", ("255", "local")),
                         ("253", ("253", "default"))):
        path = acd.write_config(f"""
            service dns {{
                prefix 192.0.2.53/32;
                route {{
                    via 198.51.100.2 {flag.check()};
                    table {table};
                }}
            }}
            """, path=lab.workdir / f"table-{table}.conf")
        rc, out = acd.check_config(path)
        assert rc == 1, f"table {table}: anycastd -t exit {rc}: {out}"
        assert all(w in out for w in words), \
            f"table {table}: unclear error: {out}"
        assert f"{path}:" in out, f"table {table}: no file:line: {out}"
    # Starting with it fails the same way and touches nothing.
    acd.conf = path
    rc, log = run_to_exit(acd)
    assert rc == 1 and "253" in log, (rc, log)
    assert kernel_state(ns) == before
