package dev.fathom.drafters.compute.cuda;

/**
 * The grid and block of one kernel launch ({@code cuLaunchKernel}'s six dimensions), validated
 * against the limits every device from compute capability 7.5 has: a block of at most 1,024
 * threads, grid y and z below 65,536.
 */
public record LaunchPlan(int gridX, int gridY, int gridZ, int blockX) {
  /** Most threads in a block. */
  public static final int MAX_BLOCK = 1024;

  /** Most blocks along grid y or z. */
  public static final int MAX_GRID_YZ = 65_535;

  public LaunchPlan {
    if (gridX < 1 || gridY < 1 || gridZ < 1) {
      throw new IllegalArgumentException(
          "grid " + gridX + "×" + gridY + "×" + gridZ + ": every dimension must be ≥ 1");
    }
    if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
      throw new IllegalArgumentException(
          "grid y " + gridY + " and z " + gridZ + " must be ≤ " + MAX_GRID_YZ);
    }
    if (blockX < 1 || blockX > MAX_BLOCK) {
      throw new IllegalArgumentException(
          "block of " + blockX + " threads: must be 1.." + MAX_BLOCK);
    }
  }

  /** Threads launched in all. */
  public long threads() {
    return (long) gridX * gridY * gridZ * blockX;
  }
}
