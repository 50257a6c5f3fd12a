; Boot entry: from a 32-bit loader hand-off to 64-bit C in the higher half.
;
; Two loaders reach us, both in 32-bit protected mode with paging off:
;   - GRUB via Multiboot2: eax = 0x36d76289, ebx = physical address of the
;     Multiboot2 information block.  The header below names _start_mb2.
;   - QEMU -kernel via PVH: ebx = physical address of struct hvm_start_info.
;     The Xen ELF note below names _start_pvh.
; Both paths build the early page tables, enter long mode and jump to
; arch_boot_main(protocol, info_phys) on the boot stack in the higher half.
;
; Early page tables (replaced by mm/ once the memory map is known), all with
; 2 MiB pages:
;   0 .. 4 GiB identity               (PML4[0]; this code runs there)
;   0xffff800000000000 + 0 .. 4 GiB   (PML4[256]; the start of the direct map,
;                                      so loader data below 4 GiB is readable)
;   0xffffffff80000000 + 0 .. 1 GiB   (PML4[511]; the kernel image)
; This file is linked at its physical address (section .boot*, see
; linker.ld); everything else lives in the higher half.

KERNEL_VMA		equ 0xffffffff80000000
MB2_HEADER_MAGIC	equ 0xe85250d6
MB2_BOOT_MAGIC		equ 0x36d76289
BOOT_PROTO_MULTIBOOT2	equ 1
BOOT_PROTO_PVH		equ 2
XEN_ELFNOTE_PHYS32_ENTRY equ 18
COM1			equ 0x3f8
EARLY_PD_COUNT		equ 4		; 4 x 1 GiB of 2 MiB pages

PTE_PRESENT		equ 1 << 0
PTE_WRITE		equ 1 << 1
PTE_HUGE		equ 1 << 7

; ---------------------------------------------------------------------------
section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd 0					; architecture: i386 protected mode
	dd mb2_header_end - mb2_header
	dd -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	align 8
	; Entry address tag: the ELF entry is a higher-half address, so tell
	; GRUB where the 32-bit entry really is.
	dw 3, 0
	dd 12
	dd _start_mb2
	align 8
	; Framebuffer tag, optional, no preferred mode: under UEFI this gets
	; us the GOP framebuffer for the screen console.
	dw 5, 1
	dd 20
	dd 0, 0, 0
	align 8
	dw 0, 0					; end tag
	dd 8
mb2_header_end:

; ---------------------------------------------------------------------------
section .note.Xen note alloc noexec nowrite align=4
	dd 4					; name size ("Xen\0")
	dd 8					; descriptor size
	dd XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dq _start_pvh

; ---------------------------------------------------------------------------
section .boot.text progbits alloc exec nowrite align=16
bits 32

; void _start_mb2(void)  eax = magic, ebx = info (physical)
global _start_mb2
_start_mb2:
	cli
	cld
	mov edi, BOOT_PROTO_MULTIBOOT2
	cmp eax, MB2_BOOT_MAGIC
	je boot32_common
	xor edi, edi				; unknown loader: C reports it
	jmp boot32_common

; void _start_pvh(void)  ebx = struct hvm_start_info (physical)
global _start_pvh
_start_pvh:
	cli
	cld
	mov edi, BOOT_PROTO_PVH

; edi = protocol, ebx = info pointer.  Must not clobber edi or ebx.
boot32_common:
	mov esi, ebx
	mov esp, boot_stack32_top
	call require_long_mode
	call build_early_page_tables

	mov eax, cr4
	or eax, 1 << 5				; PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, 0xc0000080			; EFER
	rdmsr
	or eax, 1 << 8				; LME
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1	; PG, WP, PE
	mov cr0, eax

	lgdt [boot_gdt_ptr]
	jmp 0x08:long_mode_entry

; Halts with a message on COM1 if the CPU cannot run 64-bit code.
require_long_mode:
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .missing
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .missing
	ret
.missing:
	mov esi, msg_no_long_mode
.next:
	lodsb
	test al, al
	jz .halt
	mov ah, al
	mov dx, COM1 + 5			; line status: wait for THR empty
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	mov al, ah
	mov dx, COM1
	out dx, al
	jmp .next
.halt:
	cli
	hlt
	jmp .halt

; Fills the tables described at the top of this file.
build_early_page_tables:
	push edi
	mov edi, boot_page_tables_start		; zero them: never trust bss
	mov ecx, (boot_page_tables_end - boot_page_tables_start) / 4
	xor eax, eax
	rep stosd
	pop edi

	mov eax, boot_pdpt_low + PTE_PRESENT + PTE_WRITE
	mov [boot_pml4 + 0 * 8], eax
	mov [boot_pml4 + 256 * 8], eax
	mov eax, boot_pdpt_high + PTE_PRESENT + PTE_WRITE
	mov [boot_pml4 + 511 * 8], eax

	xor ecx, ecx				; PDPT slots 0..3 -> the 4 PDs
.pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd + PTE_PRESENT + PTE_WRITE
	mov [boot_pdpt_low + ecx * 8], eax
	inc ecx
	cmp ecx, EARLY_PD_COUNT
	jb .pdpt
	mov eax, boot_pd + PTE_PRESENT + PTE_WRITE
	mov [boot_pdpt_high + 510 * 8], eax

	xor ecx, ecx				; 2048 entries of 2 MiB each
.pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_PRESENT + PTE_WRITE + PTE_HUGE
	mov [boot_pd + ecx * 8], eax
	mov eax, ecx
	shr eax, 11				; bits 32+ of the address
	mov [boot_pd + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, EARLY_PD_COUNT * 512
	jb .pd
	ret

bits 64
long_mode_entry:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half_entry
	jmp rax

; ---------------------------------------------------------------------------
section .boot.data progbits alloc noexec write align=16
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff			; 0x08: 64-bit code
	dq 0x00cf92000000ffff			; 0x10: data
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

msg_no_long_mode:
	db "Basalt: this CPU has no 64-bit long mode; halting.", 13, 10, 0

section .boot.bss nobits alloc noexec write align=4096
boot_page_tables_start:
boot_pml4:	resb 4096
boot_pdpt_low:	resb 4096
boot_pdpt_high:	resb 4096
boot_pd:	resb 4096 * EARLY_PD_COUNT
boot_page_tables_end:
		resb 4096
boot_stack32_top:

; ---------------------------------------------------------------------------
section .text
; Runs in the higher half on the early tables.  Upper register halves are
; undefined after the mode switch, hence the explicit zero-extension.
global higher_half_entry
higher_half_entry:
	mov rsp, boot_stack_top
	xor ebp, ebp
	mov edi, edi
	mov esi, esi
	extern arch_boot_main
	call arch_boot_main
.hang:
	cli
	hlt
	jmp .hang

section .bss nobits alloc noexec write align=4096
; The boot CPU's first stack.  The page below it stays unmapped once mm/
; maps the kernel (see boot_stack_guard in linker.ld and mm/).
global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
	resb 4096
boot_stack_bottom:
	resb 16384
boot_stack_top:
