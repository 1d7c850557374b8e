const X = [[0.5,-1.0,2.0,0.3],[1.5,0.2,-0.7,1.1],[-0.4,0.9,0.6,-1.3],[0.8,-0.2,1.4,0.1]];
const A = [[[[0.6,-0.5]],[[-0.3,0.8]]],[[[0.4,0.2]],[[0.7,-0.6]]]];
const BIAS=[0.1,-0.2];
const B = [[[[0.9],[-0.4]],[[-0.7],[0.5]]],[[[0.3],[0.8]],[[0.6],[-0.9]]]];
const SEED=[[[1.0],[-2.0]],[[0.5],[3.0]]];
const pre:number[][][]=[];const g:number[][][]=[];
for(let i=0;i<3;i++){pre.push([]);g.push([]);for(let j=0;j<3;j++){pre[i].push([0,0]);g[i].push([0,0]);for(let c=0;c<2;c++){let v=BIAS[c];for(let a=0;a<2;a++)for(let b=0;b<2;b++)v+=X[i+a][j+b]*A[a][b][0][c];pre[i][j][c]=v;}}}
for(let p=0;p<2;p++)for(let q=0;q<2;q++)for(let a=0;a<2;a++)for(let b=0;b<2;b++)for(let c=0;c<2;c++)g[p+a][q+b][c]+=SEED[p][q][0]*B[a][b][c][0];
console.log(JSON.stringify(pre.map(r=>r.map(v=>v.map(x=>+x.toFixed(2))))));
console.log(JSON.stringify(g.map(r=>r.map(v=>v.map(x=>+x.toFixed(2))))));
for (const S of [[[[-1.0],[2.0]],[[0.5],[3.0]]], [[[1.0],[-2.0]],[[-1.5],[1.0]]], [[[-1.0],[-2.0]],[[0.5],[3.0]]]]) {
  const gg = g.map(r=>r.map(()=>[0,0]));
  for(let p=0;p<2;p++)for(let q=0;q<2;q++)for(let a=0;a<2;a++)for(let b=0;b<2;b++)for(let c=0;c<2;c++)gg[p+a][q+b][c]+=S[p][q][0]*B[a][b][c][0];
  let pn=0, np=0; for(let i=0;i<3;i++)for(let j=0;j<3;j++)for(let c=0;c<2;c++){ if(pre[i][j][c]>0&&gg[i][j][c]<0)pn++; if(pre[i][j][c]<=0&&gg[i][j][c]>0)np++; }
  console.log(JSON.stringify(S), pn, np);
}
