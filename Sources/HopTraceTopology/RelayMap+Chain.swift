import HopTraceCore

extension RelayMap {
    /// One host as one message's chain showed it, with what the map keeps of it: its names,
    /// its public addresses (a private address names a host only inside one message's network)
    /// and its organisation.
    public struct Sighting: Sendable, Hashable {
        public var names: [String]
        /// Public addresses only.
        public var addresses: [HostAddress]
        public var organisation: String?

        public init(names: [String], addresses: [HostAddress], organisation: String?) {
            self.names = names
            self.addresses = addresses
            self.organisation = organisation
        }
    }

    /// One step of a chain: between two of its sightings (positions in `Chain.sightings`), with
    /// the hop's time (UTC seconds) when the hop carried one.
    public struct ChainStep: Sendable, Hashable {
        public var from: Int
        public var to: Int
        public var time: Int64?

        public init(from: Int, to: Int, time: Int64?) {
            self.from = from
            self.to = to
            self.time = time
        }
    }

    /// One chain of one message, reduced to what the map folds in: its hosts in order of first
    /// appearance and its steps in travel order.
    public struct Chain: Sendable, Hashable {
        public var sightings: [Sighting]
        public var steps: [ChainStep]

        public init(sightings: [Sighting], steps: [ChainStep]) {
            self.sightings = sightings
            self.steps = steps
        }

        /// A topology and its hops' times (by hop index). Edges whose ends are not among the
        /// topology's hosts are left out.
        public init(topology: Topology, times: [Int: Int64]) {
            var position: [Int: Int] = [:]
            sightings = []
            sightings.reserveCapacity(topology.hosts.count)
            for host in topology.hosts {
                position[host.id] = sightings.count
                sightings.append(
                    Sighting(
                        names: host.names, addresses: host.addresses.filter { $0.scope == .public },
                        organisation: host.organisation))
            }
            steps = topology.edges.compactMap { edge in
                guard let a = position[edge.from], let b = position[edge.to] else { return nil }
                return ChainStep(from: a, to: b, time: times[edge.hop])
            }
        }
    }
}
