// EmberVision is to Ember what torchvision is to PyTorch: data sets, transforms, image
// I/O and models. Importing it makes Ember's API available as well.
@_exported import Ember
