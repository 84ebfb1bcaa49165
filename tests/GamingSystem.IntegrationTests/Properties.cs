// Each collection boots a whole system; on two cores, one at a time is faster and steadier than all at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
