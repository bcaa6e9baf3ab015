package dev.fathom.drafters.tensor;

import dev.fathom.drafters.gguf.GgmlType;
import org.junit.jupiter.api.Test;

/**
 * The two-stream repacked Q6_K loop ({@link RepackedFarPairsQ6}, measured and not adopted) checked
 * as the engine's Q4_K one is. Bench sources: {@code mvn -B -ntp -o -q -pl drafters -am test
 * -Pkernel-bench -Dtest=RepackedFarPairsQ6Test -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RepackedFarPairsQ6Test {
  @Test
  void pairedRowsMatchTheScalarReferenceAndTheOneRowKernel() {
    RepackedFarPairsTest.check(GgmlType.Q6_K, RepackedFarPairsQ6::q6Rows);
  }
}
