/*
 * Descriptor tables.  Each CPU has its own GDT (because each has its own
 * TSS descriptor) and its own TSS (whose IST slots point at that CPU's
 * double-fault, NMI and machine-check stacks); all CPUs share one IDT.
 *
 * GDT layout (x86.h): null, kernel code, kernel data, user32 code, user
 * data, user code, TSS (two slots).  The user entries are ordered for
 * sysret, which derives CS and SS from one STAR field.
 */
#include "arch/x86_64/x86.h"
#include "arch/arch.h"
#include "kernel/lib/string.h"

struct __packed descriptor_ptr {
	uint16_t limit;
	uint64_t base;
};

struct __packed idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate is 16 bytes");

#define GATE_INTERRUPT	0x8e	/* present, DPL 0, 64-bit interrupt gate */

static uint64_t gdts[NR_CPUS][GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss64 tsses[NR_CPUS] __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const uint64_t isr_stub_table[256];

static void set_tss_descriptor(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

/*
 * Build and load this CPU's GDT and TSS, reload the segment registers and
 * the task register.  @ist_tops are the tops of the double-fault, NMI and
 * machine-check stacks.  Runs on the CPU being set up.
 */
void gdt_init_cpu(unsigned cpu_index, uint64_t ist_tops[3])
{
	uint64_t *gdt = gdts[cpu_index];
	struct tss64 *tss = &tsses[cpu_index];
	struct descriptor_ptr ptr = { sizeof(gdts[0]) - 1, (uint64_t)gdt };

	memset(tss, 0, sizeof(*tss));
	tss->ist[IST_DOUBLE_FAULT - 1] = ist_tops[0];
	tss->ist[IST_NMI - 1] = ist_tops[1];
	tss->ist[IST_MACHINE_CHECK - 1] = ist_tops[2];
	tss->iomap_base = sizeof(*tss);	/* no I/O bitmap */

	gdt[0] = 0;
	/* Flat segments: long mode ignores base and limit of code/data. */
	gdt[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffffull;
	gdt[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffffull;
	gdt[GDT_USER32_CODE / 8] = 0x00cffa000000ffffull;
	gdt[GDT_USER_DATA / 8] = 0x00cff2000000ffffull;
	gdt[GDT_USER_CODE / 8] = 0x00affa000000ffffull;
	set_tss_descriptor(gdt, tss);

	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "pushq %2\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(ptr), "r"((uint64_t)GDT_KERNEL_DATA),
			   "i"(GDT_KERNEL_CODE), "r"((uint64_t)GDT_TSS)
			 : "rax", "memory");
}

/* Point IST slot @ist of CPU @cpu_index's TSS at a new stack top. */
void gdt_set_ist(unsigned cpu_index, unsigned ist, uint64_t top)
{
	tsses[cpu_index].ist[ist - 1] = top;
}

static void set_gate(unsigned vec, uint64_t handler, uint8_t ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = handler & 0xffff;
	g->selector = GDT_KERNEL_CODE;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_hi = handler >> 32;
	g->reserved = 0;
}

/* Fill the shared IDT: every vector has a stub; three run on IST stacks. */
void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, isr_stub_table[v], 0);
	idt[2].ist = IST_NMI;
	idt[8].ist = IST_DOUBLE_FAULT;
	idt[18].ist = IST_MACHINE_CHECK;
}

void idt_load(void)
{
	struct descriptor_ptr ptr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(ptr));
}
