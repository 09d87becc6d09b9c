namespace VAEase.Networks;

/// <summary>A network whose convolutions <see cref="Training.StepCost"/> cannot see from its Linear layers.</summary>
public interface IConvCost
{
    /// <summary>Multiply-adds of the convolutions in one sample's forward pass.</summary>
    double ConvMultiplyAdds { get; }
}
