; Interrupt and exception entry stubs, one per vector, all built by the
; ISR_STUB macro.  Each stub makes the stack look the same (an error code
; slot, then the vector number), then common_trap saves the general
; registers into a struct trap_frame (arch/x86_64/x86.h) and calls
;   void trap_dispatch(struct trap_frame *tf);
; The CPU aligns rsp to 16 before pushing its frame, and the frame plus
; the 17 pushes here total 176 bytes, so the call sees an aligned stack.
; Kernel mode only for now: no swapgs (user mode arrives with syscalls).

bits 64
section .text
extern trap_dispatch

; Vectors for which the CPU pushes an error code.
%define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro ISR_STUB 1
align 16
isr_stub_%1:
%if HAS_ERRCODE(%1) == 0
	push 0
%endif
	push %1
	jmp common_trap
%endmacro

%assign v 0
%rep 256
ISR_STUB v
%assign v v + 1
%endrep

common_trap:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	call trap_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16			; vector and error code
	iretq

section .rodata
; const uint64_t isr_stub_table[256]: entry addresses for idt_init().
global isr_stub_table
align 8
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_%[v]
%assign v v + 1
%endrep
