package dev.fathom.drafters.compute.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * The arguments of one kernel launch, in the order of the kernel's parameters: {@code
 * cuLaunchKernel} takes a pointer to an array of pointers, one to each argument's value.
 */
final class KernelArgs {
  private final List<NativePointerObject> values = new ArrayList<>();

  /** A device pointer ({@code const float*}, {@code const unsigned char*}, …). */
  KernelArgs ptr(CUdeviceptr p) {
    values.add(Pointer.to(p));
    return this;
  }

  /** An {@code int}. */
  KernelArgs i(int v) {
    values.add(Pointer.to(new int[] {v}));
    return this;
  }

  /** A {@code long long}. */
  KernelArgs l(long v) {
    values.add(Pointer.to(new long[] {v}));
    return this;
  }

  /** A {@code float}. */
  KernelArgs f(float v) {
    values.add(Pointer.to(new float[] {v}));
    return this;
  }

  Pointer pointer() {
    return Pointer.to(values.toArray(NativePointerObject[]::new));
  }
}
