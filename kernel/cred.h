#pragma once
/*
 * Credentials: who is asking.  The VFS takes them as an argument on every
 * call that checks permissions, so it works the same for the kernel
 * itself (kernel_cred, uid 0), for unit tests that pose as other users,
 * and later for processes.  File-system checks use fsuid/fsgid and the
 * supplementary groups, as on Linux.  uid 0 as fsuid bypasses the
 * discretionary checks as Linux's CAP_DAC_OVERRIDE and CAP_FOWNER do
 * (there are no capabilities yet: root has all of them).
 */
#include <stdbool.h>
#include <stdint.h>

typedef uint32_t kuid_t;
typedef uint32_t kgid_t;

#define CRED_MAX_GROUPS	32

struct cred {
	kuid_t uid, euid, suid, fsuid;
	kgid_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	kgid_t groups[CRED_MAX_GROUPS];
};

/* kernel/cred.c */
extern const struct cred kernel_cred;
bool cred_in_group(const struct cred *c, kgid_t gid);

static inline bool cred_is_root(const struct cred *c)
{
	return c->fsuid == 0;
}
