/*
 * The page cache: file data in whole pages, indexed by (inode, offset /
 * PAGE_SIZE).  tmpfs keeps its files only here; ext2 will fill pages from
 * disk through ->readpage; mmap will map the same pages, which is why a
 * page is shared by reference count rather than copied.
 *
 * Each address_space holds a radix tree of 64-way nodes: a lookup costs
 * one step per 6 bits of index, the tree grows upward as files grow, and
 * a sparse file pays only for the pages it has (a hole is simply a
 * missing page and reads as zeros).  The tree is guarded by tree_lock, a
 * spinlock that is only held across the tree walk itself (node
 * allocation happens under it, hence its rank below kmalloc's); page
 * contents are copied after dropping it, with the page held by a
 * reference so a concurrent truncate cannot free it under the copy.
 */
#include "fs/internal.h"
#include "kernel/errno.h"
#include "kernel/kassert.h"
#include "kernel/lib/compiler.h"
#include "kernel/lib/string.h"
#include "mm/mm.h"

#define RADIX_SHIFT	6
#define RADIX_SLOTS	(1u << RADIX_SHIFT)
#define RADIX_MASK	(RADIX_SLOTS - 1)
#define RADIX_MAX_HEIGHT 11	/* 66 bits: any 64-bit index */

struct radix_node {
	void *slots[RADIX_SLOTS];	/* child nodes, or pages at level 0 */
	unsigned count;			/* non-NULL slots */
};

void mapping_init(struct address_space *as, struct inode *host,
		  const struct aspace_ops *ops)
{
	spin_init(&as->tree_lock, "tree_lock", LOCK_RANK_PAGECACHE);
	as->host = host;
	as->ops = ops;
	as->root = NULL;
	as->height = 0;
	as->nrpages = 0;
}

/* Largest index a tree of @height levels can hold. */
static uint64_t max_index(unsigned height)
{
	if (height >= RADIX_MAX_HEIGHT)
		return UINT64_MAX;
	return (1ull << (RADIX_SHIFT * height)) - 1;
}

static unsigned slot_at(uint64_t index, unsigned level)
{
	return (unsigned)(index >> (RADIX_SHIFT * level)) & RADIX_MASK;
}

static struct page *tree_lookup_locked(struct address_space *as,
				       uint64_t index)
{
	struct radix_node *node = as->root;

	if (!node || index > max_index(as->height))
		return NULL;
	for (unsigned level = as->height - 1; level > 0; level--) {
		node = node->slots[slot_at(index, level)];
		if (!node)
			return NULL;
	}
	return node->slots[slot_at(index, 0)];
}

/* Adds levels on top until @index fits; -ENOMEM if a node is missing. */
static int tree_grow_locked(struct address_space *as, uint64_t index)
{
	while (!as->root || index > max_index(as->height)) {
		struct radix_node *top = kzalloc(sizeof(*top));

		if (!top)
			return -ENOMEM;
		if (as->root) {
			top->slots[0] = as->root;
			top->count = 1;
		}
		as->root = top;
		as->height++;
	}
	return 0;
}

static int tree_insert_locked(struct address_space *as, uint64_t index,
			      struct page *page)
{
	struct radix_node *node;
	int err = tree_grow_locked(as, index);

	if (err)
		return err;
	node = as->root;
	for (unsigned level = as->height - 1; level > 0; level--) {
		void **slot = &node->slots[slot_at(index, level)];

		if (!*slot) {
			*slot = kzalloc(sizeof(struct radix_node));
			if (!*slot)
				return -ENOMEM;	/* empty node stays: harmless */
			node->count++;
		}
		node = *slot;
	}
	if (node->slots[slot_at(index, 0)])
		return -EEXIST;
	node->slots[slot_at(index, 0)] = page;
	node->count++;
	as->nrpages++;
	return 0;
}

struct page *pagecache_find(struct address_space *as, uint64_t index)
{
	struct page *page;

	spin_lock(&as->tree_lock);
	page = tree_lookup_locked(as, index);
	if (page)
		page_get(page);
	spin_unlock(&as->tree_lock);
	return page;
}

int pagecache_insert(struct address_space *as, uint64_t index,
		     struct page *page)
{
	int err;

	spin_lock(&as->tree_lock);
	err = tree_insert_locked(as, index, page);
	spin_unlock(&as->tree_lock);
	return err;
}

/*
 * Drops every page at index >= @from below @node (covering indexes from
 * @base, @level levels above the pages) and frees nodes left empty.
 * Returns the pages dropped.  The depth is at most RADIX_MAX_HEIGHT.
 */
static uint64_t drop_from(struct radix_node *node, unsigned level,
			  uint64_t base, uint64_t from)
{
	uint64_t dropped = 0;
	uint64_t span = level >= RADIX_MAX_HEIGHT - 1 ?
				UINT64_MAX : 1ull << (RADIX_SHIFT * level);

	for (unsigned i = 0; i < RADIX_SLOTS; i++) {
		uint64_t start = base + i * span;
		void *child = node->slots[i];

		if (!child)
			continue;
		if (span != UINT64_MAX && start + span - 1 < from)
			continue;		/* wholly below the cut */
		if (level == 0) {
			page_put(child);
			dropped++;
		} else {
			struct radix_node *c = child;

			dropped += drop_from(c, level - 1, start, from);
			if (c->count)
				continue;
			kfree(c);
		}
		node->slots[i] = NULL;
		node->count--;
	}
	return dropped;
}

uint64_t pagecache_truncate(struct address_space *as, uint64_t size)
{
	uint64_t from = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
	size_t tail = size % PAGE_SIZE;
	uint64_t dropped = 0;
	struct page *partial;

	spin_lock(&as->tree_lock);
	if (as->root) {
		dropped = drop_from(as->root, as->height - 1, 0, from);
		as->nrpages -= dropped;
		if (!as->root || ((struct radix_node *)as->root)->count == 0) {
			kfree(as->root);
			as->root = NULL;
			as->height = 0;
		}
	}
	partial = tail ? tree_lookup_locked(as, size / PAGE_SIZE) : NULL;
	if (partial)
		page_get(partial);
	spin_unlock(&as->tree_lock);
	if (partial) {
		memset((char *)page_to_virt(partial) + tail, 0,
		       PAGE_SIZE - tail);
		page_put(partial);
	}
	if (dropped && as->ops && as->ops->uncharge)
		as->ops->uncharge(as, dropped);
	return dropped;
}

/*
 * Someone else added the page at @index while we filled ours: our bytes
 * go into theirs, since the source cannot be read twice.
 */
static int copy_into_cached(struct address_space *as, uint64_t index,
			    const char *src, size_t in_page, size_t len)
{
	struct page *theirs = pagecache_find(as, index);

	if (!theirs)
		return -EAGAIN;	/* and gone again: a truncate raced us */
	memcpy((char *)page_to_virt(theirs) + in_page, src, len);
	page_put(theirs);
	return 0;
}

/*
 * Copies @step bytes from @from into a new page for @index, at @in_page,
 * and only then makes the page visible, so that a reader never sees
 * memory that is neither file data nor zeros.  The rest of the page comes
 * from ->readpage, else is zeroed.  Returns the bytes copied (a short
 * count: the source faulted) or -errno.
 */
static ssize_t write_new_page(struct address_space *as, uint64_t index,
			      size_t in_page, size_t step,
			      struct iov_iter *from)
{
	struct page *page;
	size_t copied;
	char *va;
	int err;

	if (as->ops && as->ops->charge) {
		err = as->ops->charge(as, 1);
		if (err)
			return err;
	}
	err = -ENOMEM;
	page = page_alloc(0);
	if (!page)
		goto err_uncharge;
	va = page_to_virt(page);
	if (as->ops && as->ops->readpage) {
		err = as->ops->readpage(as, index, va);
		if (err)
			goto err_free;
	} else {
		memset(va, 0, in_page);
		memset(va + in_page + step, 0, PAGE_SIZE - in_page - step);
	}
	copied = copy_from_iter(va + in_page, step, from);
	if (copied < step && !(as->ops && as->ops->readpage))
		memset(va + in_page + copied, 0, step - copied);
	err = pagecache_insert(as, index, page);	/* takes our reference */
	if (!err)
		return (ssize_t)copied;
	if (err == -EEXIST)
		err = copy_into_cached(as, index, va + in_page, in_page, copied);
	if (!err)
		err = (int)copied;	/* ours is not needed: free it */
err_free:
	page_put(page);
err_uncharge:
	if (as->ops && as->ops->uncharge)
		as->ops->uncharge(as, 1);
	return err;	/* bytes copied when another page took them */
}

ssize_t pagecache_read(struct address_space *as, struct iov_iter *to,
		       loff_t pos, size_t n)
{
	size_t done = 0;

	while (done < n) {
		uint64_t off = (uint64_t)pos + done;
		size_t in_page = off % PAGE_SIZE;
		size_t step = MIN(n - done, PAGE_SIZE - in_page);
		struct page *page = pagecache_find(as, off / PAGE_SIZE);
		size_t copied;

		if (page) {
			copied = copy_to_iter((char *)page_to_virt(page) +
						      in_page, step, to);
			page_put(page);
		} else {
			copied = zero_to_iter(step, to);
		}
		done += copied;
		if (copied < step)
			return done ? (ssize_t)done : -EFAULT;
	}
	return (ssize_t)done;
}

ssize_t pagecache_write(struct address_space *as, struct iov_iter *from,
			loff_t pos, size_t n)
{
	size_t done = 0;
	int err = 0;

	while (done < n) {
		uint64_t off = (uint64_t)pos + done;
		size_t in_page = off % PAGE_SIZE;
		size_t step = MIN(n - done, PAGE_SIZE - in_page);
		struct page *page = pagecache_find(as, off / PAGE_SIZE);
		ssize_t copied;

		if (page) {
			copied = (ssize_t)copy_from_iter(
				(char *)page_to_virt(page) + in_page, step,
				from);
			page_put(page);
		} else {
			copied = write_new_page(as, off / PAGE_SIZE, in_page,
						step, from);
			if (copied < 0) {
				err = (int)copied;
				break;
			}
		}
		done += (size_t)copied;
		if ((size_t)copied < step) {
			err = -EFAULT;
			break;
		}
	}
	return done ? (ssize_t)done : err;
}
