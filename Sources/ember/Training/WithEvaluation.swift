import EmberVision

/// `body`'s result with `module` in evaluation mode and no gradients recorded; the mode is
/// restored after.
func withEvaluation<T>(_ module: Module, _ body: () throws -> T) rethrows -> T {
    let wasTraining = module.training
    module.eval()
    defer { module.train(wasTraining) }
    return try withNoGrad(body)
}
