/// Returns its input unchanged (`nn.Identity`): a placeholder, e.g. to remove a model's
/// classifier with `model.fc = Identity()` and keep its features.
public final class Identity: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input }
}
