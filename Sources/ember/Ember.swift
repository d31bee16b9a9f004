import ArgumentParser
import Ember

/// The `ember` command-line tool: each case study of the tutorial is a subcommand.
@main
struct EmberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ember",
        abstract: "Deep learning in Swift: train and run the classic PyTorch tutorial models.",
        version: Ember.version,
        subcommands: [Train.self, Evaluate.self, Predict.self, Sample.self, Score.self, Models.self, Export.self, Split.self, Demo.self, Tutorial.self])
}
