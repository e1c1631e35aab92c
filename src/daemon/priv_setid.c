/* SPDX-License-Identifier: ISC */
/*
 * Exec checks and hooks run as another user than the daemon, so the
 * daemon keeps CAP_SETUID and CAP_SETGID permitted for its children to
 * switch (priv.c).  With those alone a daemon taken over could become
 * anyone, root included.  A seccomp filter narrows them to the one
 * switch the children make: the set*uid calls may name only the exec
 * uid (or -1, "unchanged"), the set*gid calls only its gid, and
 * setgroups at most as many groups as the exec user has -- the group
 * values sit behind a pointer, out of a filter's reach, so for `nobody`
 * (no supplementary groups) that is none at all.
 *
 * A filter needs no_new_privs, which children inherit: they cannot gain
 * privileges through set-uid programs or file capabilities, as under
 * NoNewPrivileges=yes of contrib/anycastd.service already.  Calls of
 * another ABI (i386 or x32 on x86_64) are refused whole, as systemd's
 * SystemCallArchitectures=native does.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "sys/log.h"
#include "daemon/priv.h"

#if defined(__x86_64__)
#define NATIVE_ARCH	AUDIT_ARCH_X86_64
#define X32_BIT		0x40000000u	/* x32 calls on an x86_64 kernel */
#elif defined(__aarch64__)
#define NATIVE_ARCH	AUDIT_ARCH_AARCH64
#endif

#ifdef NATIVE_ARCH

#define MAX_INSNS	128
#define ARG_LO(i)	((uint32_t)offsetof(struct seccomp_data, args[i]) + \
			    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 4))
#define DENY		(SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))

struct prog {
	struct sock_filter	insn[MAX_INSNS];
	unsigned short		n;
};

static void
emit(struct prog *p, unsigned short code, uint8_t jt, uint8_t jf,
    uint32_t k)
{
	if (p->n == MAX_INSNS)
		fatal("priv_setid: filter too long");
	p->insn[p->n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

/*
 * NR with NARGS ids: each must be ID or -1.  The block is skipped for
 * other calls; it ends with "allow" and "deny", in that order.
 */
static void
ids_block(struct prog *p, uint32_t nr, int nargs, uint32_t id)
{
	int i;

	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	    offsetof(struct seccomp_data, nr));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(3 * nargs + 2), nr);
	for (i = 0; i < nargs; i++) {
		emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(i));
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, id);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0,
		    (uint8_t)(3 * (nargs - i) - 2), 0xffffffffu);
	}
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	emit(p, BPF_RET | BPF_K, 0, 0, DENY);
}

static void
groups_block(struct prog *p, uint32_t most)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	    offsetof(struct seccomp_data, nr));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, __NR_setgroups);
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, ARG_LO(0));
	emit(p, BPF_JMP | BPF_JGT | BPF_K, 1, 0, most);
	emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	emit(p, BPF_RET | BPF_K, 0, 0, DENY);
}

int
priv_setid_filter(uid_t uid, gid_t gid, int ngroups)
{
	struct prog		p = { .n = 0 };
	struct sock_fprog	fp;

	emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	    offsetof(struct seccomp_data, arch));
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, NATIVE_ARCH);
	emit(&p, BPF_RET | BPF_K, 0, 0, DENY);
#ifdef X32_BIT
	emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
	    offsetof(struct seccomp_data, nr));
	emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_BIT);
	emit(&p, BPF_RET | BPF_K, 0, 0, DENY);
#endif
	ids_block(&p, __NR_setuid, 1, (uint32_t)uid);
	ids_block(&p, __NR_setreuid, 2, (uint32_t)uid);
	ids_block(&p, __NR_setresuid, 3, (uint32_t)uid);
	ids_block(&p, __NR_setfsuid, 1, (uint32_t)uid);
	ids_block(&p, __NR_setgid, 1, (uint32_t)gid);
	ids_block(&p, __NR_setregid, 2, (uint32_t)gid);
	ids_block(&p, __NR_setresgid, 3, (uint32_t)gid);
	ids_block(&p, __NR_setfsgid, 1, (uint32_t)gid);
	groups_block(&p, (uint32_t)(ngroups > 0 ? ngroups : 0));
	emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);

	fp.len = p.n;
	fp.filter = p.insn;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) == -1)
		return -1;
	return 0;
}

#else

int
priv_setid_filter(uid_t uid, gid_t gid, int ngroups)
{
	(void)uid;
	(void)gid;
	(void)ngroups;
	errno = ENOSYS;
	return -1;
}

#endif
