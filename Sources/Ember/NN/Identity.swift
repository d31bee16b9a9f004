/// Returns its input unchanged (`nn.Identity`): a placeholder, e.g. to remove a model's
/// classifier with `model.fc = Identity()` and keep its features.
public final class Identity: Module {
    /// An identity layer; it has no parameters.
    public override init() { super.init() }
    /// `input`, unchanged.
    public override func forward(_ input: Tensor) -> Tensor { input }
}
