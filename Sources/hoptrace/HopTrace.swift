import ArgumentParser
@main struct HopTrace: ParsableCommand {
    func run() throws {}
}
