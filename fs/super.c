/*
 * Superblocks: one per mounted file-system instance.  Each gets an
 * anonymous device number (major 0, as Linux gives tmpfs and procfs) so
 * that st_dev tells file systems apart.  Numbers are not reused: 2^20 of
 * them outlast any boot that mounts by hand.
 */
#include "fs/internal.h"
#include "kernel/lib/string.h"
#include "mm/mm.h"

static uint32_t next_anon_minor = 1;	/* atomic */

struct super_block *sb_alloc(struct file_system_type *type)
{
	struct super_block *sb = kzalloc(sizeof(*sb));
	uint32_t minor;

	if (!sb)
		return NULL;
	minor = __atomic_fetch_add(&next_anon_minor, 1, __ATOMIC_RELAXED);
	sb->s_type = type;
	sb->s_dev = MKDEV(0, minor & MINORMASK);
	sb->s_blocksize = PAGE_SIZE;
	sb->s_maxbytes = VFS_MAX_FILE_SIZE;
	mutex_init(&sb->s_rename_lock, "s_rename_lock");
	return sb;
}

void sb_free(struct super_block *sb)
{
	kfree(sb);
}
