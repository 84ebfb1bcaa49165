using System.Collections.ObjectModel;

namespace GamingSystem.Hosting.ApplicationModel;

/// <summary>Marker for data attached to a resource by the builder extensions.</summary>
public interface IResourceAnnotation;

/// <summary>The annotations of one resource, in the order they were added.</summary>
public sealed class ResourceAnnotationCollection : Collection<IResourceAnnotation>;
