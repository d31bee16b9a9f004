// EmberDistributed: data-parallel training across processes on Open MPI
// (torch.distributed and DistributedDataParallel). Importing it also imports Ember.
@_exported import Ember
