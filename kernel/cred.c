/*
 * Credentials (see kernel/cred.h).  Pure: shared with the host tests.
 */
#include "kernel/cred.h"

/* What the kernel itself acts as: root in every respect. */
const struct cred kernel_cred = { 0 };

/* Is @gid the caller's file-system group or one of its supplementary ones? */
bool cred_in_group(const struct cred *c, kgid_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups && i < CRED_MAX_GROUPS; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}
