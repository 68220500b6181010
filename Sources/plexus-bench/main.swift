import CBLAS
import Foundation
import PlexusNN

// Placeholder: filled with the gemm / conv workloads in the tensor issue.
print("{\"impl\": \"plexus\", \"workload\": \"none\"}")
