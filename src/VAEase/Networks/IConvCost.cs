namespace VAEase.Networks;

/// <summary>A network whose convolutions <see cref="Training.StepCost"/> cannot see from its Linear layers.</summary>
public interface IConvCost
{
    /// <summary>Multiply-adds of the convolutions in one sample's forward pass.</summary>
    double ConvMultiplyAdds { get; }

    /// <summary>The part of <see cref="ConvMultiplyAdds"/> in the first convolution, which reads the network's
    /// input: when that input is the data, training computes no input gradient for it.</summary>
    double InputConvMultiplyAdds { get; }
}
