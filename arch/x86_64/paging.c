/*
 * Kernel page tables.  paging_init() builds the final kernel address space
 * and switches to it:
 *   DIRECT_MAP_BASE + phys   all RAM the page allocator manages, read-
 *                            write, no-execute; 2 MiB pages where a whole
 *                            aligned 2 MiB fits, 4 KiB at the edges.
 *                            Firmware tables and device registers are
 *                            added here on demand (mm_map_phys()).
 *   KERNEL_VMA + phys        the kernel image with 4 KiB pages: text RX,
 *                            rodata and .ksyms R+NX, data and bss RW+NX;
 *                            the page under the boot stack left unmapped
 * The boot code's identity map and the low boot sections are gone after the
 * switch.  Page-table pages come from the early pool (mapped by the boot
 * tables) until the switch, from the page allocator after it.
 *
 * kpt_lock (spin) serialises changes to the kernel page tables after boot.
 * Interface: paging_init(), mm_map_mmio(), mm_map_kernel_page().
 */
#include "arch/x86_64/x86.h"
#include "arch/x86_64/cpu.h"
#include "kernel/lib/string.h"
#include "kernel/printk.h"
#include "kernel/sync.h"
#include "mm/memmap.h"
#include "mm/mm.h"

#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_PS		(1ull << 7)
#define PTE_G		(1ull << 8)
#define PTE_NX		(1ull << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ull
#define LARGE_PAGE	(2ull << 20)

typedef uint64_t pte_t;

static paddr_t kernel_pml4;
static bool switched;		/* tables now come from the page allocator */
static uint64_t nx_bit;		/* PTE_NX if the CPU supports it, else 0 */
static struct spinlock kpt_lock = SPINLOCK_INIT("kpt", LOCK_RANK_KPT);

/* A zeroed page-table page, or 0 when memory is exhausted. */
static paddr_t alloc_table(void)
{
	void *va;

	if (!switched)
		return pmm_early_alloc_page();
	va = page_alloc_virt(0, true);
	return va ? virt_to_phys(va) : 0;
}

static pte_t *table_at(paddr_t pa)
{
	return phys_to_virt(pa);
}

/*
 * The entry for @va at @level (1 = PT, 2 = PD, 3 = PDPT) in the tables
 * rooted at @pml4, creating intermediate tables as needed.  NULL when a
 * table cannot be allocated or a large page is in the way.
 */
static pte_t *walk(paddr_t pml4, uint64_t va, int level)
{
	pte_t *table = table_at(pml4);

	for (int l = 4; l > level; l--) {
		pte_t *e = &table[(va >> (12 + 9 * (l - 1))) & 511];

		if (!(*e & PTE_P)) {
			paddr_t t = alloc_table();

			if (!t)
				return NULL;
			*e = t | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = table_at(*e & PTE_ADDR_MASK);
	}
	return &table[(va >> (12 + 9 * (level - 1))) & 511];
}

/*
 * The entry that maps @va (a 4 KiB PTE, or a large-page PDE/PDPTE), or
 * NULL if @va is not mapped.  Creates nothing.
 */
static pte_t *lookup(uint64_t va)
{
	pte_t *table = table_at(kernel_pml4);

	for (int l = 4; l >= 1; l--) {
		pte_t *e = &table[(va >> (12 + 9 * (l - 1))) & 511];

		if (!(*e & PTE_P))
			return NULL;
		if (l == 1 || (*e & PTE_PS))
			return e;
		table = table_at(*e & PTE_ADDR_MASK);
	}
	return NULL;
}

static bool va_is_mapped(uint64_t va)
{
	return lookup(va) != NULL;
}

static int map_4k(uint64_t va, paddr_t pa, uint64_t flags)
{
	pte_t *e = walk(kernel_pml4, va, 1);

	if (!e)
		return -1;
	*e = pa | flags | PTE_P;
	return 0;
}

/* Direct-map [start, end) read-write and non-executable. */
static void map_direct_range(paddr_t start, paddr_t end)
{
	uint64_t flags = PTE_W | PTE_G | nx_bit;
	paddr_t pa = ALIGN_DOWN(start, PAGE_SIZE);

	end = ALIGN_UP(end, PAGE_SIZE);
	while (pa < end) {
		uint64_t va = DIRECT_MAP_BASE + pa;

		if ((pa & (LARGE_PAGE - 1)) == 0 && pa + LARGE_PAGE <= end) {
			pte_t *e = walk(kernel_pml4, va, 2);

			if (e && !(*e & PTE_P)) {
				*e = pa | flags | PTE_PS | PTE_P;
				pa += LARGE_PAGE;
				continue;
			}
		}
		pte_t *e = walk(kernel_pml4, va, 1);

		if (e && !(*e & PTE_P))
			*e = pa | flags | PTE_P;
		pa += PAGE_SIZE;
	}
}

static void map_kernel_section(const char *start, const char *end,
			       uint64_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE)
		if (va != (uint64_t)boot_stack_guard)
			map_4k(va, va - KERNEL_VMA, flags | PTE_G);
}

void paging_init(void)
{
	nx_bit = cpu_features.nx ? PTE_NX : 0;
	kernel_pml4 = pmm_early_alloc_page();

	const struct phys_range *ram;
	unsigned nr_ram = pmm_usable_ranges(&ram);

	for (unsigned i = 0; i < nr_ram; i++)
		map_direct_range(ram[i].start, ram[i].end);
	map_kernel_section(__text_start, __text_end, 0);
	map_kernel_section(__rodata_start, __rodata_end, nx_bit);
	map_kernel_section(__data_start, __data_end, PTE_W | nx_bit);
	map_kernel_section(__ksyms_start, __kernel_end, nx_bit);

	write_cr4(read_cr4() | (1u << 7));	/* PGE: global kernel pages */
	write_cr0(read_cr0() | (1u << 16));	/* WP: honour read-only */
	write_cr3(kernel_pml4);
	switched = true;
	pmm_release_early_pool();
}

/* The physical address of the kernel's top-level table, for other CPUs. */
paddr_t paging_kernel_root(void)
{
	return kernel_pml4;
}

/*
 * Make [pa, pa + size) reachable at DIRECT_MAP_BASE + @pa: device
 * registers (@uncached) or firmware tables outside RAM (cached).  Pages
 * already mapped (RAM) are left as they are.  Returns the virtual address,
 * or NULL if the range is absurd or page tables could not be allocated.
 */
void *mm_map_phys(paddr_t pa, size_t size, bool uncached)
{
	uint64_t cache = uncached ? PTE_PCD | PTE_PWT : 0;
	paddr_t end = ALIGN_UP(pa + size, PAGE_SIZE);
	void *ret = phys_to_virt(pa);
	unsigned long flags;

	if (end < pa || end > (1ull << 46))
		return NULL;	/* beyond any physical address we support */
	flags = spin_lock_irqsave(&kpt_lock);

	for (paddr_t p = ALIGN_DOWN(pa, PAGE_SIZE); p < end; p += PAGE_SIZE) {
		pte_t *e;

		if (va_is_mapped(DIRECT_MAP_BASE + p))
			continue;
		e = walk(kernel_pml4, DIRECT_MAP_BASE + p, 1);

		if (!e) {
			ret = NULL;
			break;
		}
		*e = p | PTE_P | PTE_W | cache | nx_bit;
		invlpg(DIRECT_MAP_BASE + p);
	}
	spin_unlock_irqrestore(&kpt_lock, flags);
	return ret;
}

void *mm_map_mmio(paddr_t pa, size_t size)
{
	return mm_map_phys(pa, size, true);
}

/* Map one kernel page (stacks).  0, or -1 without memory for tables. */
int mm_map_kernel_page(uint64_t va, paddr_t pa, bool writable)
{
	unsigned long flags = spin_lock_irqsave(&kpt_lock);
	int err = map_4k(va, pa, (writable ? PTE_W : 0) | nx_bit | PTE_G);

	spin_unlock_irqrestore(&kpt_lock, flags);
	invlpg(va);
	return err;
}

/*
 * Remove one kernel page mapping made by mm_map_kernel_page().  Flushes
 * only this CPU's TLB: there is no shootdown yet, so callers only unmap
 * pages no other CPU has touched (see kstack_free()).
 */
void mm_unmap_kernel_page(uint64_t va)
{
	unsigned long flags = spin_lock_irqsave(&kpt_lock);
	pte_t *e = lookup(va);

	if (e && !(*e & PTE_PS))
		*e = 0;
	spin_unlock_irqrestore(&kpt_lock, flags);
	invlpg(va);
}

/* The physical page behind kernel page @va (4 KiB mappings), or 0. */
paddr_t mm_kernel_page_phys(uint64_t va)
{
	unsigned long flags = spin_lock_irqsave(&kpt_lock);
	pte_t *e = lookup(va);
	paddr_t pa = e && !(*e & PTE_PS) ? (*e & PTE_ADDR_MASK) : 0;

	spin_unlock_irqrestore(&kpt_lock, flags);
	return pa;
}

/*
 * While application processors start, their trampoline runs at a low
 * physical address with paging just enabled, so it needs that address
 * identity-mapped in the kernel tables: map (or unmap) the first 2 MiB.
 */
static paddr_t low_pdpt, low_pd;	/* boot CPU only, during SMP start */

/* Returns 0, or -1 without memory for the two tables. */
int mm_identity_map_low(void)
{
	pte_t *pml4 = table_at(kernel_pml4);

	low_pdpt = alloc_table();
	low_pd = alloc_table();
	if (!low_pdpt || !low_pd) {
		if (low_pdpt)
			page_free_virt(phys_to_virt(low_pdpt), 0);
		if (low_pd)
			page_free_virt(phys_to_virt(low_pd), 0);
		return -1;
	}
	table_at(low_pdpt)[0] = low_pd | PTE_P | PTE_W;
	table_at(low_pd)[0] = PTE_P | PTE_W | PTE_PS;
	pml4[0] = low_pdpt | PTE_P | PTE_W;
	return 0;
}

/* Undo mm_identity_map_low() once every AP runs in the higher half. */
void mm_identity_unmap_low(void)
{
	table_at(kernel_pml4)[0] = 0;
	write_cr3(read_cr3());
	page_free_virt(phys_to_virt(low_pd), 0);
	page_free_virt(phys_to_virt(low_pdpt), 0);
}
