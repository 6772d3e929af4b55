package netcheck

// The picture: the network a report covers as a Graphviz graph (DOT), each
// hop of each path coloured by its verdict and labelled with the rule or
// route that decided it. The output is stable (sorted), so a committed
// picture can be compared with a fresh one.

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
)

var statusColor = map[Status]string{Pass: "#2e7d32", Fail: "#c62828", Unknown: "#ef6c00", Warn: "#ef6c00"}

type dotNode struct {
	id, kind, label, az, vpc string
}

type dotEdge struct {
	from, to string
	labels   []string
	status   Status
	offPath  bool // drawn for context (a way out the report's destination does not use): grey, dashed
}

// dotGraph collects the nodes and edges of a report.
type dotGraph struct {
	f     *Facts
	nodes map[string]*dotNode
	edges map[[2]string]*dotEdge
}

func nodeID(kind, id string) string { return kind + "/" + id }

func (g *dotGraph) node(kind, id string) string {
	if kind == "" || id == "" {
		return ""
	}
	key := nodeID(kind, id)
	if g.nodes[key] != nil {
		return key
	}
	n := &dotNode{id: id, kind: kind}
	switch kind {
	case KindSubnet:
		n.label = "subnet " + id
		if s := g.f.Subnets[id]; s != nil {
			n.label += "\n" + s.Cidr.String()
			if s.Ipv6Cidr.IsValid() {
				n.label += " " + s.Ipv6Cidr.String()
			}
			n.az, n.vpc = s.AZ, s.VpcID
			if acl := naclOf(g.f, s); acl != nil {
				n.label += "\nnetwork ACL " + acl.ID
			}
		}
	case KindRouteTable:
		n.label = "route table " + id
		if rt := g.f.RouteTables[id]; rt != nil {
			n.vpc = rt.VpcID
			for _, r := range rt.Routes {
				n.label += fmt.Sprintf("\n%s -> %s", routeDest(g.f, r), r.Target)
			}
		}
	case KindNatGateway:
		n.label = "NAT gateway " + id
		if nat := g.f.NatGateways[id]; nat != nil && nat.Regional {
			regionalNatNode(n, nat) // dot_regional.go
		} else if nat != nil {
			n.label += "\nin subnet " + nat.SubnetID
			if s := g.f.Subnets[nat.SubnetID]; s != nil {
				n.label += " " + s.Cidr.String()
				n.az, n.vpc = s.AZ, s.VpcID
				if acl := naclOf(g.f, s); acl != nil {
					n.label += "\nnetwork ACL " + acl.ID
				}
			}
		}
	case KindNatInstance:
		g.natInstanceNode(n)
	case KindEgressOnlyGateway:
		n.label = "egress-only internet gateway " + id + "\n(IPv6, outbound only)"
		if e := g.f.EgressOnlyInternetGateways[id]; e != nil && len(e.AttachedVpcs) == 1 {
			n.vpc = e.AttachedVpcs[0]
		}
	case KindVpcEndpoint:
		n.label = "gateway endpoint " + id
		if e := g.f.VpcEndpoints[id]; e != nil {
			n.label += "\n" + e.Service
			n.vpc = e.VpcID
		}
	case KindService:
		n.label = id + " (AWS service)"
	case KindInternetGateway:
		n.label = "internet gateway " + id
	case KindInternet:
		n.label = "internet"
	case KindFunction:
		n.label = "Lambda function " + id
	default:
		n.label = kind + " " + id
	}
	g.nodes[key] = n
	return key
}

func (g *dotGraph) edge(from, to, label string, st Status) {
	if to == "" {
		// A dead end: its own node, so each is visible.
		to = "end/" + from + "/" + label
		g.nodes[to] = &dotNode{id: to, kind: "end", label: strings.TrimSpace("✗ " + label)}
		label = ""
	}
	k := [2]string{from, to}
	e := g.edges[k]
	if e == nil {
		e = &dotEdge{from: from, to: to, status: st}
		g.edges[k] = e
	}
	e.status = worst(e.status, st)
	if label != "" && !contains(e.labels, label) {
		e.labels = append(e.labels, label)
	}
}

// WriteDot writes the network of the report as a Graphviz digraph: the
// functions, the VPC with its subnets grouped by AZ, the route tables,
// the NAT gateways, the internet gateways and the internet.
func WriteDot(w io.Writer, f *Facts, r *Report) {
	g := &dotGraph{f: f, nodes: map[string]*dotNode{}, edges: map[[2]string]*dotEdge{}}
	for _, fr := range r.Functions {
		fn := g.node(KindFunction, fr.Function)
		if fr.Name != "" && fr.Name != fr.Function {
			g.nodes[fn].label += "\n(" + fr.Name + ")"
		}
		for _, h := range fr.Hops {
			g.edge(fn, g.node(h.ToKind, h.To), h.Label, h.Status)
		}
		for _, s := range fr.Subnets {
			for _, h := range s.Hops {
				g.edge(g.node(h.FromKind, h.From), g.node(h.ToKind, h.To), h.Label, h.Status)
			}
		}
	}
	g.endpointsForContext()
	g.findings(r)
	g.write(w, r)
}

// findings is a note listing every step that does not pass, from the
// report model (findings.go), once per check and resource: the paths'
// edges show the steps that are hops, the note every one, warnings
// included.
func (g *dotGraph) findings(r *Report) {
	var lines []string
	for _, f := range r.Findings() {
		line := fmt.Sprintf("%s %s %s: %s", f.Status, f.Name, f.Resource, f.Rule.Title)
		if f.Acknowledged != "" {
			line += " (acknowledged)"
		}
		if !contains(lines, line) {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return
	}
	g.nodes["findings/"] = &dotNode{id: "findings", kind: "findings", label: "findings\n" + strings.Join(lines, "\n")}
}

// routeDest writes a route's destination: its block, or the service of its
// prefix list.
func routeDest(f *Facts, r Route) string {
	if r.PrefixList != "" {
		if svc := serviceOf(f, r); svc != "" {
			return svc + " prefix list"
		}
		return r.PrefixList
	}
	return r.Destination.String()
}

// natInstanceNode labels a NAT instance's node (its id is the route's
// target: the interface, or the instance).
func (g *dotGraph) natInstanceNode(n *dotNode) {
	eni := g.f.NetworkInterfaces[n.id]
	if inst := g.f.Instances[n.id]; inst != nil && len(inst.NetworkInterfaces) > 0 {
		eni = g.f.NetworkInterfaces[inst.NetworkInterfaces[0]]
	}
	n.label = "NAT instance"
	if eni == nil {
		n.label += " " + n.id
		return
	}
	if eni.Instance != "" {
		n.label += " " + eni.Instance
	}
	n.label += "\ninterface " + eni.ID
	if !eni.SourceDestCheck {
		n.label += " (source/dest check off)"
	}
	n.label += "\nin subnet " + eni.SubnetID
	if s := g.f.Subnets[eni.SubnetID]; s != nil {
		n.label += " " + s.Cidr.String()
		n.az, n.vpc = s.AZ, s.VpcID
		if acl := naclOf(g.f, s); acl != nil {
			n.label += "\nnetwork ACL " + acl.ID
		}
	}
}

// endpointsForContext draws the gateway endpoints and egress-only internet
// gateways of the route tables in the picture that the report's paths do
// not use (e.g. S3's for --dest internet): grey and dashed, so the picture
// shows every way out.
func (g *dotGraph) endpointsForContext() {
	for _, k := range sortedKeys(g.nodes) {
		n := g.nodes[k]
		if n.kind != KindRouteTable || g.f.RouteTables[n.id] == nil {
			continue
		}
		for _, r := range g.f.RouteTables[n.id].Routes {
			if r.Kind == TargetEgressOnlyInternetGateway && g.f.EgressOnlyInternetGateways[r.Target] != nil {
				eg := g.node(KindEgressOnlyGateway, r.Target)
				if g.edges[[2]string{k, eg}] == nil {
					g.edges[[2]string{k, eg}] = &dotEdge{from: k, to: eg, labels: []string{r.Destination.String() + "\n(netcheck --dest internet6)"}, offPath: true}
				}
				if in := g.node(KindInternet, KindInternet); g.edges[[2]string{eg, in}] == nil {
					g.edges[[2]string{eg, in}] = &dotEdge{from: eg, to: in, offPath: true}
				}
				continue
			}
			if r.Kind != TargetVpcEndpoint || g.f.VpcEndpoints[r.Target] == nil {
				continue
			}
			ep := g.node(KindVpcEndpoint, r.Target)
			if g.edges[[2]string{k, ep}] != nil {
				continue
			}
			svc := serviceOf(g.f, r)
			g.edges[[2]string{k, ep}] = &dotEdge{from: k, to: ep, labels: []string{routeDest(g.f, r) + "\n(netcheck --dest " + svc + ")"}, offPath: true}
			if to := g.node(KindService, svc); to != "" && g.edges[[2]string{ep, to}] == nil {
				g.edges[[2]string{ep, to}] = &dotEdge{from: ep, to: to, offPath: true}
			}
		}
	}
}

func (g *dotGraph) write(w io.Writer, r *Report) {
	src := filepath.Base(r.Source)
	fmt.Fprintln(w, "// netcheck --format dot: the network and the paths of the report")
	fmt.Fprintln(w, "digraph netcheck {")
	fmt.Fprintf(w, "  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=12, labelloc=t, newrank=true, nodesep=0.5, ranksep=0.7, label=%s];\n",
		quote(fmt.Sprintf("%s\n%s\nedges: green passes, red blocks, orange not known, grey dashed not on this destination's path", src, r.Summary())))
	fmt.Fprintln(w, "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=10];")
	fmt.Fprintln(w, "  edge [fontname=\"Helvetica\", fontsize=9, penwidth=2];")

	keys := make([]string, 0, len(g.nodes))
	for k := range g.nodes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vpcs := map[string]map[string][]string{} // VPC -> AZ ("" for VPC-wide) -> nodes
	for _, k := range keys {
		n := g.nodes[k]
		if n.vpc == "" || g.f.Vpcs[n.vpc] == nil {
			fmt.Fprintf(w, "  %s;\n", g.nodeStmt(k))
			continue
		}
		if vpcs[n.vpc] == nil {
			vpcs[n.vpc] = map[string][]string{}
		}
		vpcs[n.vpc][n.az] = append(vpcs[n.vpc][n.az], k)
	}
	for _, v := range sortedKeys(vpcs) {
		vpc := g.f.Vpcs[v]
		fmt.Fprintf(w, "  subgraph %s {\n    label=%s; style=\"rounded\"; color=\"#5c6bc0\";\n", quote("cluster_vpc_"+v), quote(vpcLabel(vpc)))
		for _, az := range sortedKeys(vpcs[v]) {
			indent := "    "
			if az != "" {
				fmt.Fprintf(w, "    subgraph %s {\n      label=%s; style=\"dashed\"; color=\"#9e9e9e\";\n", quote("cluster_az_"+v+"_"+az), quote("AZ "+az))
				indent = "      "
			}
			for _, k := range vpcs[v][az] {
				fmt.Fprintf(w, "%s%s;\n", indent, g.nodeStmt(k))
			}
			if az != "" {
				fmt.Fprintln(w, "    }")
			}
		}
		fmt.Fprintln(w, "  }")
	}

	ekeys := make([][2]string, 0, len(g.edges))
	for k := range g.edges {
		ekeys = append(ekeys, k)
	}
	sort.Slice(ekeys, func(i, j int) bool {
		if ekeys[i][0] != ekeys[j][0] {
			return ekeys[i][0] < ekeys[j][0]
		}
		return ekeys[i][1] < ekeys[j][1]
	})
	for _, k := range ekeys {
		e := g.edges[k]
		color, style := statusColor[e.status], ""
		if e.offPath {
			color, style = "#9e9e9e", ", style=dashed"
		}
		fmt.Fprintf(w, "  %s -> %s [color=%s, fontcolor=%s%s, label=%s];\n", quote(e.from), quote(e.to), quote(color), quote(color), style, quote(strings.Join(e.labels, "\n")))
	}
	fmt.Fprintln(w, "}")
}

var kindStyle = map[string]string{
	KindFunction:          `fillcolor="#fff3e0"`,
	KindSubnet:            `fillcolor="#e8f5e9"`,
	KindRouteTable:        `fillcolor="#f5f5f5", shape=note, style="filled"`,
	KindNatGateway:        `fillcolor="#e3f2fd"`,
	KindNatInstance:       `fillcolor="#e3f2fd", shape=box3d, style="filled"`,
	KindEgressOnlyGateway: `fillcolor="#e3f2fd", shape=box3d, style="filled"`,
	KindVpcEndpoint:       `fillcolor="#f3e5f5"`,
	KindService:           `fillcolor="#f3e5f5", shape=ellipse, style="filled"`,
	KindInternetGateway:   `fillcolor="#e3f2fd", shape=box3d, style="filled"`,
	KindInternet:          `fillcolor="#eeeeee", shape=ellipse, style="filled"`,
	"end":                 `fillcolor="#ffebee", color="#c62828", shape=octagon, style="filled"`,
	"findings":            `fillcolor="#fffde7", shape=note, style="filled"`,
}

func (g *dotGraph) nodeStmt(k string) string {
	n := g.nodes[k]
	style := kindStyle[n.kind]
	if style == "" {
		style = `fillcolor="#fff8e1"`
	}
	return fmt.Sprintf("%s [label=%s, %s]", quote(k), quote(n.label), style)
}

// quote writes a DOT string: double quotes, backslashes and newlines
// escaped.
func quote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	s = strings.ReplaceAll(s, "\n", `\n`)
	return `"` + s + `"`
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// vpcLabel names a VPC with its blocks, saying when the IPv6 ones are
// placeholders (a template's).
func vpcLabel(v *Vpc) string {
	l := "VPC " + v.ID + " " + v.Cidr.String()
	if len(v.Ipv6Cidrs) > 0 {
		l += " " + strings.Join(prefixStrings(v.Ipv6Cidrs), " ")
		if v.Ipv6Placeholder {
			l += " (IPv6 placeholder: AWS assigns the /56 at deploy time)"
		}
	}
	return l
}
