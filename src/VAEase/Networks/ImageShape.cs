namespace VAEase.Networks;

/// <summary>The single-channel square image a conv network reads from a flat input of d = side * side
/// pixels (28 x 28 for MNIST). Two stride-2 stages need the side to be a multiple of 4.</summary>
public static class ImageShape
{
    /// <summary>The side of the square image behind a flat input dimension, or null if there is none.</summary>
    public static int? Side(int inputDim)
    {
        int side = (int)Math.Round(Math.Sqrt(inputDim));
        return side * side == inputDim && side % 4 == 0 && side >= 8 ? side : null;
    }
}
