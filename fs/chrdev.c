/*
 * Character-device registry: which file_ops serve which device numbers.
 *
 * A driver claims a range of minors under one major with
 * chrdev_register(); opening a character-device inode (on any file
 * system) makes the VFS ask chrdev_lookup() for the table behind the
 * inode's i_rdev and switch the file to it, or fail with -ENXIO when
 * nothing is registered, as Linux does.  Two ranges may share a major as
 * long as their minors do not overlap; an overlapping claim is -EBUSY,
 * as with Linux's register_chrdev_region().
 *
 * Numbers follow Linux's kernel-internal dev_t: majors 1..4095 (12 bits;
 * major 0 is Linux's "unnamed" major and dynamic majors are not offered)
 * and minors within 20 bits.  A bad range is -EINVAL.
 *
 * The ranges live in a fixed table: Basalt has a handful of drivers, a
 * lookup is a short scan, and a table needs no allocation (nor anything
 * to free).  A full table is -ENOMEM, as a failed allocation would be.
 *
 * Locking: chrdev_lock (mutex) guards the table.  Registration and lookup
 * both happen in process context (driver start-up, open(2)); nothing here
 * runs in an interrupt handler.  It is a leaf: nothing else is taken
 * inside it.
 *
 * Interface (fs/vfs.h): chrdev_register(), chrdev_lookup().
 */
#include "fs/vfs.h"
#include "kernel/errno.h"

#define CHRDEV_MAX_RANGES	128
#define CHRDEV_MAX_MAJOR	((1u << (32 - MINORBITS)) - 1)	/* 4095 */

struct chrdev_range {
	unsigned major;
	unsigned minor_first;
	unsigned minor_count;		/* 0: free slot */
	const char *name;		/* for a future /proc/devices */
	const struct file_ops *fops;
};

static struct mutex chrdev_lock = MUTEX_INIT("chrdev");
static struct chrdev_range chrdevs[CHRDEV_MAX_RANGES];	/* [chrdev_lock] */

static bool range_overlaps(const struct chrdev_range *r, unsigned major,
			   unsigned first, unsigned count)
{
	return r->minor_count && r->major == major &&
	       first < r->minor_first + r->minor_count &&
	       r->minor_first < first + count;
}

static bool range_contains(const struct chrdev_range *r, dev_t dev)
{
	return r->minor_count && r->major == MAJOR(dev) &&
	       MINOR(dev) >= r->minor_first &&
	       MINOR(dev) - r->minor_first < r->minor_count;
}

/*
 * Serve minors [@minor_first, @minor_first + @minor_count) of @major with
 * @fops (which must outlive the registration: drivers pass a static const
 * table).  @name is kept, not copied.  May sleep (takes chrdev_lock).
 * Returns 0, -EINVAL for a bad range or a NULL table, -EBUSY if any of
 * the numbers is taken, -ENOMEM if the table is full.
 */
int chrdev_register(unsigned major, unsigned minor_first,
		    unsigned minor_count, const char *name,
		    const struct file_ops *fops)
{
	struct chrdev_range *slot = NULL;
	int err = 0;

	if (!fops || major == 0 || major > CHRDEV_MAX_MAJOR)
		return -EINVAL;
	if (minor_count == 0 || minor_first > MINORMASK ||
	    minor_count > MINORMASK + 1 - minor_first)
		return -EINVAL;

	mutex_lock(&chrdev_lock);
	for (unsigned i = 0; i < CHRDEV_MAX_RANGES; i++) {
		struct chrdev_range *r = &chrdevs[i];

		if (range_overlaps(r, major, minor_first, minor_count)) {
			err = -EBUSY;
			goto out_unlock;
		}
		if (!r->minor_count && !slot)
			slot = r;
	}
	if (!slot) {
		err = -ENOMEM;
		goto out_unlock;
	}
	slot->major = major;
	slot->minor_first = minor_first;
	slot->minor_count = minor_count;
	slot->name = name;
	slot->fops = fops;
out_unlock:
	mutex_unlock(&chrdev_lock);
	return err;
}

/*
 * The file_ops registered for @dev, or NULL if none is.  May sleep (takes
 * chrdev_lock).  The table returned is static and needs no reference.
 */
const struct file_ops *chrdev_lookup(dev_t dev)
{
	const struct file_ops *fops = NULL;

	mutex_lock(&chrdev_lock);
	for (unsigned i = 0; i < CHRDEV_MAX_RANGES; i++) {
		if (range_contains(&chrdevs[i], dev)) {
			fops = chrdevs[i].fops;
			break;
		}
	}
	mutex_unlock(&chrdev_lock);
	return fops;
}
