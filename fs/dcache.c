/*
 * The dentry cache: names already looked up, hashed by (parent, name), so
 * that a path walk touches a file system only on a miss.  Negative
 * dentries remember that a name does not exist, which makes repeated
 * failing lookups ($PATH searches) as cheap as hits.
 *
 * The cache never owns file-system data.  A dentry nobody references
 * (d_count 0) stays hashed on an LRU list, where memory pressure
 * (dcache_prune) or unmount (dcache_prune_sb) frees it; file systems keep
 * their own directory structures (tmpfs: its dirent lists), so dropping a
 * dentry loses nothing.  A child holds a reference on its parent, so a
 * parent is never freed before its cached children.
 *
 * One spinlock, dcache_lock, covers the hash, the LRU, every d_count and
 * the name and parent of every dentry.  It is a leaf: inodes are put and
 * memory freed only after it is dropped (kill_dentry), which is why dput
 * hands the parent back instead of recursing with the lock held.
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "mm/mm.h"

#define DCACHE_HASH_BITS	12
#define DCACHE_HASH_SIZE	(1u << DCACHE_HASH_BITS)

static struct spinlock dcache_lock =
	SPINLOCK_INIT("dcache_lock", LOCK_RANK_DCACHE);
static struct list_head hash_table[DCACHE_HASH_SIZE];	/* [dcache_lock] */
static struct list_head lru = LIST_HEAD_INIT(lru);	/* [dcache_lock] */
static uint64_t nr_dentries;				/* [dcache_lock] */
static uint64_t nr_unused;				/* [dcache_lock] */

/*
 * Reclaim may run inside any allocation that holds no spinlock, even with
 * an inode's i_lock held.  That is safe because a dentry on the LRU never
 * holds the last reference to an inode a file system still uses (tmpfs's
 * dirents hold their own); a file system whose eviction takes locks must
 * keep it that way or defer the eviction.
 */
static struct shrinker dcache_shrinker = {
	.name = "dcache",
	.scan = dcache_prune,
};

void dcache_init(void)
{
	static bool shrinker_added;

	if (!shrinker_added) {
		shrinker_register(&dcache_shrinker);
		shrinker_added = true;
	}
	for (unsigned i = 0; i < DCACHE_HASH_SIZE; i++)
		list_init(&hash_table[i]);
	list_init(&lru);
}

/* FNV-1a over the name: cheap, and good enough spread for path names. */
void qstr_init(struct qstr *q, const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	q->name = name;
	q->len = (uint32_t)len;
	q->hash = h;
}

static struct list_head *bucket(const struct dentry *parent, uint32_t hash)
{
	uint64_t mix = (uint64_t)(uintptr_t)parent / 64 + hash;

	mix ^= mix >> 29;
	mix *= 0xbf58476d1ce4e5b9ull;
	return &hash_table[(mix >> 32) & (DCACHE_HASH_SIZE - 1)];
}

uint64_t dcache_nr_dentries(void)
{
	uint64_t n;

	spin_lock(&dcache_lock);
	n = nr_dentries;
	spin_unlock(&dcache_lock);
	return n;
}

/* A dentry with @name, referenced once, not hashed, parent unset. */
static struct dentry *dentry_alloc(struct super_block *sb,
				   const struct qstr *name)
{
	struct dentry *d = kzalloc(sizeof(*d));
	char *buf = d ? d->d_iname : NULL;

	if (!d)
		return NULL;
	if (name->len >= DNAME_INLINE_LEN) {
		buf = kmalloc(name->len + 1);
		if (!buf) {
			kfree(d);
			return NULL;
		}
	}
	memcpy(buf, name->name, name->len);
	buf[name->len] = '\0';
	d->d_name.name = buf;
	d->d_name.len = name->len;
	d->d_name.hash = name->hash;
	d->d_count = 1;
	d->d_sb = sb;
	list_init(&d->d_hash);
	list_init(&d->d_lru);
	return d;
}

static void free_name(struct dentry *d)
{
	if (d->d_name.name != d->d_iname)
		kfree((char *)d->d_name.name);
}

/* The root of a new file system: "/", its own parent.  Takes the caller's
 * reference to @root_inode; NULL (and the inode put) without memory. */
struct dentry *d_alloc_root(struct inode *root_inode)
{
	struct qstr name;
	struct dentry *d;

	qstr_init(&name, "/", 1);
	d = dentry_alloc(root_inode->i_sb, &name);
	if (!d) {
		iput(root_inode);
		return NULL;
	}
	d->d_parent = d;
	d->d_inode = root_inode;
	spin_lock(&dcache_lock);
	nr_dentries++;
	spin_unlock(&dcache_lock);
	__atomic_add_fetch(&root_inode->i_sb->s_nr_dentries, 1,
			   __ATOMIC_RELAXED);
	return d;
}

/* A new unhashed, negative child of @parent, referenced once; the caller
 * fills it with ->lookup and d_add().  NULL without memory. */
struct dentry *d_alloc(struct dentry *parent, const struct qstr *name)
{
	struct dentry *d = dentry_alloc(parent->d_sb, name);

	if (!d)
		return NULL;
	spin_lock(&dcache_lock);
	parent->d_count++;
	d->d_parent = parent;
	nr_dentries++;
	spin_unlock(&dcache_lock);
	__atomic_add_fetch(&parent->d_sb->s_nr_dentries, 1, __ATOMIC_RELAXED);
	return d;
}

static void lru_remove_locked(struct dentry *d)
{
	if (d->d_flags & DCACHE_ON_LRU) {
		list_del(&d->d_lru);
		d->d_flags &= ~DCACHE_ON_LRU;
		nr_unused--;
	}
}

static void unhash_locked(struct dentry *d)
{
	if (d->d_flags & DCACHE_HASHED) {
		list_del(&d->d_hash);
		list_init(&d->d_hash);
		d->d_flags &= ~DCACHE_HASHED;
	}
}

/* Binds @dentry to @inode (NULL: negative) and makes it findable.  Takes
 * the caller's inode reference.  Called by ->lookup. */
void d_add(struct dentry *dentry, struct inode *inode)
{
	spin_lock(&dcache_lock);
	dentry->d_inode = inode;
	if (!(dentry->d_flags & DCACHE_HASHED)) {
		list_add(&dentry->d_hash, bucket(dentry->d_parent,
						 dentry->d_name.hash));
		dentry->d_flags |= DCACHE_HASHED;
	}
	spin_unlock(&dcache_lock);
}

/* Fills a negative dentry with a just-created inode; takes the caller's
 * reference.  Called by the creating ops (create, mkdir, ...). */
void d_instantiate(struct dentry *dentry, struct inode *inode)
{
	spin_lock(&dcache_lock);
	KASSERT(!dentry->d_inode);
	dentry->d_inode = inode;
	spin_unlock(&dcache_lock);
}

/*
 * The cached child @name of @parent, referenced, or NULL on a miss.  A hit
 * may be negative (d_inode NULL): the name is known not to exist.
 */
struct dentry *d_lookup(struct dentry *parent, const struct qstr *name)
{
	struct list_head *head = bucket(parent, name->hash), *pos;
	struct dentry *found = NULL;

	spin_lock(&dcache_lock);
	list_for_each(pos, head) {
		struct dentry *d = list_entry(pos, struct dentry, d_hash);

		if (d->d_parent != parent || d->d_name.hash != name->hash ||
		    d->d_name.len != name->len ||
		    memcmp(d->d_name.name, name->name, name->len) != 0)
			continue;
		if (d->d_count++ == 0)
			lru_remove_locked(d);
		found = d;
		break;
	}
	spin_unlock(&dcache_lock);
	return found;
}

struct dentry *dget(struct dentry *dentry)
{
	spin_lock(&dcache_lock);
	KASSERT(dentry->d_count > 0);
	dentry->d_count++;
	spin_unlock(&dcache_lock);
	return dentry;
}

/* The parent, referenced: read under the lock because rename moves it. */
struct dentry *dget_parent(struct dentry *dentry)
{
	struct dentry *parent;

	spin_lock(&dcache_lock);
	parent = dentry->d_parent;
	parent->d_count++;
	spin_unlock(&dcache_lock);
	return parent;
}

struct inode *d_inode(const struct dentry *dentry)
{
	struct inode *inode;

	spin_lock(&dcache_lock);
	inode = dentry->d_inode;
	spin_unlock(&dcache_lock);
	return inode;
}

/*
 * Takes a dead dentry (count 0, unhashed, off the LRU) out of the counts
 * with dcache_lock held, then frees it with the lock dropped.  Returns the
 * parent, whose reference the caller must now put, or NULL for a root.
 */
static struct dentry *kill_dentry(struct dentry *d)
{
	struct dentry *parent = d->d_parent == d ? NULL : d->d_parent;
	struct inode *inode = d->d_inode;

	KASSERT(d->d_count == 0);
	nr_dentries--;
	spin_unlock(&dcache_lock);
	__atomic_sub_fetch(&d->d_sb->s_nr_dentries, 1, __ATOMIC_RELAXED);
	iput(inode);
	free_name(d);
	kfree(d);
	return parent;
}

/* Drops a reference.  An unused hashed dentry goes to the LRU; an unused
 * unhashed one is freed, and its parent reference dropped in turn. */
void dput(struct dentry *dentry)
{
	while (dentry) {
		spin_lock(&dcache_lock);
		KASSERT(dentry->d_count > 0);
		if (--dentry->d_count > 0) {
			spin_unlock(&dcache_lock);
			return;
		}
		if (dentry->d_flags & DCACHE_HASHED) {
			list_add(&dentry->d_lru, &lru);
			dentry->d_flags |= DCACHE_ON_LRU;
			nr_unused++;
			spin_unlock(&dcache_lock);
			return;
		}
		dentry = kill_dentry(dentry);
	}
}

/*
 * After a successful unlink or rmdir: if the caller holds the only
 * reference, the dentry turns negative and stays cached ("no such name");
 * otherwise others still use the old inode through it, so it is unhashed
 * and a new lookup makes a fresh dentry.
 */
void d_delete(struct dentry *dentry)
{
	struct inode *inode = NULL;

	spin_lock(&dcache_lock);
	if (dentry->d_count == 1) {
		inode = dentry->d_inode;
		dentry->d_inode = NULL;
	} else {
		unhash_locked(dentry);
	}
	spin_unlock(&dcache_lock);
	iput(inode);
}

/* Makes @dentry unfindable; holders keep using it. */
void d_drop(struct dentry *dentry)
{
	spin_lock(&dcache_lock);
	unhash_locked(dentry);
	spin_unlock(&dcache_lock);
}

/*
 * After a successful rename of @dentry onto @target's name: @dentry takes
 * the new name and parent, @target (whatever the name held before) is
 * unhashed.  If the new name cannot be stored, both are unhashed instead:
 * the next lookup asks the file system, so the cache stays right.
 */
void d_move(struct dentry *dentry, struct dentry *target)
{
	uint32_t len = target->d_name.len;
	char *new_buf = NULL, *old_buf;
	struct dentry *old_parent = NULL;

	if (len >= DNAME_INLINE_LEN) {
		new_buf = kmalloc(len + 1);
		if (!new_buf) {
			d_drop(target);
			d_drop(dentry);
			return;
		}
	}
	spin_lock(&dcache_lock);
	unhash_locked(target);
	unhash_locked(dentry);
	old_buf = dentry->d_name.name == dentry->d_iname ?
			  NULL : (char *)dentry->d_name.name;
	if (!new_buf)
		new_buf = dentry->d_iname;
	memcpy(new_buf, target->d_name.name, len);
	new_buf[len] = '\0';
	dentry->d_name.name = new_buf;
	dentry->d_name.len = len;
	dentry->d_name.hash = target->d_name.hash;
	if (dentry->d_parent != target->d_parent) {
		old_parent = dentry->d_parent;
		dentry->d_parent = target->d_parent;
		dentry->d_parent->d_count++;
	}
	list_add(&dentry->d_hash, bucket(dentry->d_parent, dentry->d_name.hash));
	dentry->d_flags |= DCACHE_HASHED;
	spin_unlock(&dcache_lock);
	kfree(old_buf);
	dput(old_parent);
}

/* Is @anc @d itself or one of its ancestors (within one file system)? */
bool d_is_ancestor(const struct dentry *anc, const struct dentry *d)
{
	bool found = false;

	spin_lock(&dcache_lock);
	for (;;) {
		if (d == anc) {
			found = true;
			break;
		}
		if (d->d_parent == d)
			break;
		d = d->d_parent;
	}
	spin_unlock(&dcache_lock);
	return found;
}

/* Takes the oldest unused dentry matching @sb (any if NULL) off the LRU
 * and unhashes it; dcache_lock held.  NULL if there is none. */
static struct dentry *pick_unused_locked(const struct super_block *sb)
{
	struct list_head *pos;

	for (pos = lru.prev; pos != &lru; pos = pos->prev) {
		struct dentry *d = list_entry(pos, struct dentry, d_lru);

		if (sb && d->d_sb != sb)
			continue;
		lru_remove_locked(d);
		unhash_locked(d);
		return d;
	}
	return NULL;
}

/*
 * Frees up to @max unused dentries, oldest first; returns how many.  Run
 * under memory pressure: it only tries the lock, so a caller that holds
 * dcache_lock (or anything else it nests in) gets 0 instead of deadlock.
 */
size_t dcache_prune(size_t max)
{
	size_t freed = 0;

	while (freed < max) {
		struct dentry *d;

		if (!spin_trylock(&dcache_lock))
			break;
		d = pick_unused_locked(NULL);
		if (!d) {
			spin_unlock(&dcache_lock);
			break;
		}
		dput(kill_dentry(d));
		freed++;
	}
	return freed;
}

/* Frees every unused dentry of @sb: unmount, once nothing uses it.
 * Freeing a child can leave its parent unused, hence the loop. */
void dcache_prune_sb(struct super_block *sb)
{
	for (;;) {
		struct dentry *d;

		spin_lock(&dcache_lock);
		d = pick_unused_locked(sb);
		if (!d) {
			spin_unlock(&dcache_lock);
			return;
		}
		dput(kill_dentry(d));
	}
}
